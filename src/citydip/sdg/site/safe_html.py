"""Showing imported metadata safely: Open SDG metadata fields hold HTML links and Markdown page content,
written by whoever maintains the repository. Only a short allow-list of tags survives (links only to
http(s) and mailto); everything else is escaped as text."""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

from markdown_it import MarkdownIt
from markupsafe import Markup
from markupsafe import escape as escape_markup

ALLOWED = frozenset(
    {"a", "b", "br", "em", "i", "li", "ol", "p", "strong", "sub", "sup", "ul", "code", "h3", "h4"}
)
VOID = frozenset({"br"})
DROP_CONTENT = frozenset({"script", "style", "iframe", "object", "template", "noscript"})
_SAFE_URL = re.compile(r"^(https?:|mailto:)", re.IGNORECASE)
_TAG_HINT = re.compile(r"<[a-zA-Z/!]")
_MD = MarkdownIt("commonmark", {"html": True, "linkify": False})


class _Cleaner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROP_CONTENT:
            self.dropping += 1
            return
        if self.dropping or tag not in ALLOWED:
            return
        if tag == "a":
            href = next((v for k, v in attrs if k == "href" and v), "")
            if not _SAFE_URL.match(href.strip()):
                self.out.append("<a>")
            else:
                self.out.append(f'<a href="{escape(href.strip(), quote=True)}" rel="noopener noreferrer">')
        else:
            self.out.append(f"<{tag}>")
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID and not self.dropping:
            self.out.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in DROP_CONTENT:
            self.dropping = max(0, self.dropping - 1)
            return
        if self.dropping or tag not in self.open:
            return
        while self.open:
            last = self.open.pop()
            self.out.append(f"</{last}>")
            if last == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.out.append(escape(data, quote=False))

    def result(self) -> str:
        self.close()
        return "".join(self.out) + "".join(f"</{t}>" for t in reversed(self.open))


def clean_html(text: str) -> Markup:
    """HTML reduced to the allowed tags (safe to insert into a page)."""
    cleaner = _Cleaner()
    cleaner.feed(text)
    return Markup(cleaner.result())  # noqa: S704 -- allow-listed tags only, every text node escaped


def field_html(value: object) -> Markup:
    """A metadata value for display: HTML cleaned, plain text escaped, lists joined."""
    if value is None:
        return Markup("")
    if isinstance(value, bool):
        return escape_markup("yes" if value else "no")
    if isinstance(value, list):
        return Markup("<br>").join(field_html(v) for v in value)
    if isinstance(value, dict):
        return Markup("<br>").join(escape_markup(f"{k}: ") + field_html(v) for k, v in value.items())
    text = str(value)
    if _TAG_HINT.search(text):
        return clean_html(text)
    return escape_markup(text)


def markdown_html(text: str) -> Markup:
    """Markdown (Open SDG page content) rendered, then cleaned."""
    return clean_html(_MD.render(text))


def plain_text(value: object) -> str:
    """A metadata value as plain text (tags removed), for titles and attributes."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", str(value or ""))).strip()
