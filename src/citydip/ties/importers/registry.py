"""The registry of tie and network file formats: a format registers itself by name, callers look it up."""

from __future__ import annotations

from typing import TypeVar

from citydip.core.errors import FieldProblem, ValidationFailed
from citydip.ties.importers.base import SourceFormat

F = TypeVar("F", bound=type[SourceFormat])

FORMATS: dict[str, type[SourceFormat]] = {}


def register(cls: F) -> F:
    """Class decorator: make a format available under its ``name``."""
    if cls.name in FORMATS:
        raise ValueError(f"format {cls.name!r} is registered twice")
    FORMATS[cls.name] = cls
    return cls


def names(kind: str) -> list[str]:
    """Registered format names of one kind (tie | membership)."""
    return sorted(n for n, f in FORMATS.items() if f.kind == kind)


def get(name: str, kind: str) -> type[SourceFormat]:
    """The format called ``name`` of this kind, or a clear error listing the known ones."""
    fmt = FORMATS.get(name.strip().lower())
    if fmt is None or fmt.kind != kind:
        known = ", ".join(names(kind))
        raise ValidationFailed(
            f"Unknown format '{name}'; use one of: {known}.",
            [FieldProblem("format", f"'{name}' is not one of: {known}")],
        )
    return fmt
