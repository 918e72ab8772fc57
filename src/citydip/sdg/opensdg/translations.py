"""Translations: ``translations/<language>/<group>.yml`` files, and the lookup Open SDG's builder performs."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from citydip.sdg.opensdg.metadata import load_yaml
from citydip.sdg.opensdg.model import Problem
from citydip.sdg.opensdg.safeio import InputFileError, read_text

Translations = dict[str, dict[str, dict[str, str]]]


def _flatten(prefix: str, value: Any, out: dict[str, str]) -> None:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), inner, out)
    elif value is not None and not isinstance(value, list):
        out[prefix] = (
            value if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value)
        )


def read_translation_dir(folder: Path, shown: str) -> tuple[Translations, list[Problem]]:
    """Read every ``<language>/<group>.yml`` below ``folder`` as language -> group -> key -> text."""
    out: Translations = {}
    problems: list[Problem] = []
    for lang_dir in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for path in sorted(lang_dir.iterdir()):
            if not path.is_file() or path.suffix.lower() not in (".yml", ".yaml"):
                continue
            rel = f"{shown}/{lang_dir.name}/{path.name}"
            try:
                loaded = load_yaml(read_text(path, rel))
            except InputFileError as exc:
                problems.append(Problem("error", exc.code, exc.reason, rel))
                continue
            except yaml.YAMLError as exc:
                problems.append(Problem("error", "translation-yaml", f"YAML cannot be read: {exc}", rel))
                continue
            if not isinstance(loaded, Mapping):
                problems.append(Problem("warning", "translation-shape", "does not hold key: text pairs", rel))
                continue
            entries: dict[str, str] = {}
            _flatten("", loaded, entries)
            out.setdefault(lang_dir.name, {}).setdefault(path.stem, {}).update(entries)
    return out, problems


class Translator:
    """Looks up ``group.key`` translations the way Open SDG's builder does.

    A text is translated when it is itself a known ``group.key``, or when ``<default group>.<text>`` is;
    otherwise it is returned unchanged (also when the key has no text in the requested language).
    """

    def __init__(self, translations: Mapping[str, Mapping[str, Mapping[str, str]]]) -> None:
        self.keys: dict[str, dict[str, str]] = {}
        for language, groups in translations.items():
            for group, entries in groups.items():
                for key, text in entries.items():
                    self.keys.setdefault(f"{group}.{key}", {})[language] = text

    def translate(self, text: Any, language: str, groups: tuple[str, ...] = ()) -> Any:
        """Translate ``text`` into ``language`` if it is (or, in one of ``groups``, names) a key."""
        if not isinstance(text, str) or not self.keys:
            return text
        key = text
        if key not in self.keys:
            for group in groups:
                candidate = f"{group}.{text}"
                if candidate in self.keys:
                    key = candidate
                    break
            else:
                return text
        return self.keys[key].get(language, text)
