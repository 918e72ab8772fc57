"""Text helpers for practice search: keyword extraction, FTS query building, language guess, snippets."""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from functools import lru_cache

from citydip.practices.search.embedding import words

MAX_QUERY_CHARS = 4000
MAX_KEYWORDS = 24


# Short function-word lists (written for this module) for English, Italian, German, Spanish, French,
# Portuguese and Dutch. They drive both keyword extraction and the language guess.
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS: dict[str, frozenset[str]] = {
    "en": _words("""
        a an and are as at be been but by can could did do does for from had has have how i if in into
        is it its itself may more most no not of on or our should so such than that the their them then
        there these they this those to too was we were what when where which while who will with would
        you your about also all any between both each new other over per some up very
    """),
    "it": _words("""
        il lo la i gli le un uno una di a da in con su per tra fra e ed o che non del dello della dei
        degli delle al allo alla ai agli alle dal dallo dalla dai dagli dalle nel nello nella nei negli
        nelle sul sullo sulla sui sugli sulle come anche più sono è questo questa questi queste quello
        quella ci si
    """),
    "de": _words("""
        der die das den dem des ein eine einer eines einem einen und oder aber nicht zu zum zur mit von
        vom für auf aus bei nach über unter im in ist sind wird werden wurde als auch sich es wie dass
        an am bis durch gegen um so noch nur sowie diese dieser dieses
    """),
    "es": _words("""
        el la los las un una unos unas de del al a en con por para y o que no es son se su sus como más
        este esta estos estas ese esa entre sobre sin ha han lo le les
    """),
    "fr": _words("""
        le la les un une des du de d l et ou en au aux à dans par pour sur avec sans que qui ne pas est
        sont ce cette ces son sa ses leur leurs plus comme entre il elle ils elles se
    """),
    "pt": _words("""
        o a os as um uma de do da dos das em no na nos nas por para com e ou que não é são se seu sua
        como mais este esta
    """),
    "nl": _words("""
        de het een en of van in op te voor met door aan bij naar is zijn wordt worden dat die dit niet
        ook als om
    """),
}
ALL_STOPWORDS: frozenset[str] = frozenset().union(*STOPWORDS.values())
LANGUAGES = tuple(STOPWORDS)


def clean_query(query: str) -> str:
    """Trim a raw query to a bounded length and drop control characters."""
    q = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in query[:MAX_QUERY_CHARS])
    return " ".join(q.split())


def keywords(query: str, limit: int = MAX_KEYWORDS) -> list[str]:
    """Return the distinct non-stopword words of a query, in order, at most `limit` of them."""
    out: list[str] = []
    for w in words(clean_query(query)):
        if w in ALL_STOPWORDS or len(w) < 2 or w in out:
            continue
        out.append(w)
        if len(out) >= limit:
            break
    if not out:  # a query made only of stopwords still searches for them
        out = list(dict.fromkeys(w for w in words(clean_query(query)) if len(w) >= 2))[:limit]
    return out


_STEM_RE = re.compile(r"^[^\W\d_]{2,}\*$")


def is_stem(term: str) -> bool:
    """Whether a search term is a prefix stem (``radweg*``, from the concept dictionary, never from a query)."""
    return bool(_STEM_RE.match(term))


def fts5_match(terms: list[str], prefix_min: int = 0) -> str:
    """Build an FTS5 MATCH expression that ORs quoted terms; quoting neutralises all FTS syntax.

    A term with several words is a phrase; a stem (``radweg*``) matches every word it begins.
    """
    parts = []
    for t in terms:
        if is_stem(t):
            parts.append(f'"{t[:-1]}"*')
            continue
        safe = t.replace('"', '""')
        parts.append(f'"{safe}"*' if prefix_min and len(t) >= prefix_min else f'"{safe}"')
    return " OR ".join(parts)


def detect_language(text: str, min_hits: int = 2) -> str | None:
    """Guess en/it/de/es/fr/pt/nl from function words; None when the text gives too little evidence."""
    counts = Counter(w for w in words(text[:20000]) if w in ALL_STOPWORDS)
    if not counts:
        return None
    scores = {lang: sum(c for w, c in counts.items() if w in sw) for lang, sw in STOPWORDS.items()}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] >= min_hits else None


MARK_OPEN = "\x02"
MARK_CLOSE = "\x03"


def marked_to_html(marked: str) -> str:
    """Escape a snippet for HTML and turn the internal markers into <mark> tags."""
    return html.escape(marked).replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")


def strip_marks(marked: str) -> str:
    """Remove the internal markers from a snippet."""
    return marked.replace(MARK_OPEN, "").replace(MARK_CLOSE, "")


_SENTENCE_RE = re.compile(r"(?<=[.!?;:])\s+|\n+")


def sentences(text: str, max_chars: int = 240) -> list[str]:
    """Split text into sentence-like chunks no longer than `max_chars` (long ones are cut at a space)."""
    out: list[str] = []
    for s in _SENTENCE_RE.split(text):
        s = s.strip()
        while len(s) > max_chars:
            cut = s.rfind(" ", 0, max_chars)
            cut = cut if cut > max_chars // 2 else max_chars
            out.append(s[:cut].strip() + " …")
            s = s[cut:].strip()
        if s:
            out.append(s)
    return out


def mark_terms(text: str, terms: list[str]) -> str:
    """Wrap whole-word, accent- and case-insensitive occurrences of terms in the internal markers."""
    if not terms:
        return text
    wanted = {fold(t) for t in terms}

    def repl(m: re.Match[str]) -> str:
        w = m.group(0)
        return f"{MARK_OPEN}{w}{MARK_CLOSE}" if fold_word(w) in wanted else w

    return re.sub(r"\w+", repl, text)


def fold(word: str) -> str:
    """Lower-case and strip accents, as the FTS5 tokenizer does."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=100_000)
def fold_word(word: str) -> str:
    """``fold`` for single words, cached (snippets fold every word of every candidate sentence)."""
    return fold(word)
