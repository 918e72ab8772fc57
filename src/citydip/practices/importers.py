"""Readers of practice files, one class per format in a registry (docs/practices-format.md).

Each importer turns a file into ``RawRecord``s: a row number and a dict of the documented fields (or the
problems that made the row unreadable). Validation is common to every format (``PracticeIn``), so a rule is
written once. A new format is one class decorated with ``@register``.
"""

from __future__ import annotations

import json
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from citydip.core import csvin
from citydip.core.errors import FieldProblem, ValidationFailed
from citydip.practices.vocab import city_size_for

LIST_SPLIT = re.compile(r"\s*[;\n]\s*")
GOAL_SPLIT = re.compile(r"[;,\s]+")
CONTACT_RE = re.compile(r"^(?P<name>[^<]*?)\s*<(?P<email>[^>]+)>$")
ALIASES = {"id": "external_id", "lang": "language", "url": "links", "sdg": "sdgs", "text": "summary"}
KNOWN = {
    "external_id",
    "title",
    "city",
    "city_id",
    "country",
    "city_size",
    "summary",
    "problem",
    "solution",
    "approach",
    "participation",
    "outcomes",
    "outcome_figures",
    "cost",
    "budget",
    "budget_currency",
    "transferability",
    "start_year",
    "end_year",
    "sdgs",
    "challenges",
    "sectors",
    "contacts",
    "links",
    "language",
    "visibility",
    "source",
    "source_ref",
    "url_or_ref",
}
LIST_FIELDS = ("challenges", "sectors")
NUMBER_FIELDS = ("budget", "start_year", "end_year", "city_id")


@dataclass
class RawRecord:
    """One row of a file: its number, the documented fields, and problems found while reading it."""

    row: int
    data: dict[str, Any]
    problems: list[FieldProblem] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


class Importer(ABC):
    """Reads one file format."""

    name: ClassVar[str]
    label: ClassVar[str]
    extensions: ClassVar[tuple[str, ...]] = ()
    priority: ClassVar[int] = 0

    def __init__(self, path: Path) -> None:
        """Prepare to read a file."""
        self.path = path
        self.warnings: list[str] = []

    @abstractmethod
    def records(self) -> Iterator[RawRecord]:
        """Yield the file's records in order."""

    @classmethod
    def sniff(cls, path: Path, head: str) -> bool:
        """Whether a file looks like this format (used when no format is given)."""
        return path.suffix.lower() in cls.extensions

    def count(self) -> int:
        """Number of records (lines or rows) for the progress bar; 0 when unknown."""
        return 0


IMPORTERS: dict[str, type[Importer]] = {}


def register(cls: type[Importer]) -> type[Importer]:
    """Add an importer class to the registry under its ``name``."""
    IMPORTERS[cls.name] = cls
    return cls


def importer_for(path: Path, fmt: str | None = None) -> Importer:
    """The importer for a file: the named format, else the first whose ``sniff`` accepts the file."""
    if fmt:
        cls = IMPORTERS.get(fmt.lower())
        if cls is None:
            raise ValidationFailed(
                f"Unknown import format '{fmt}'.",
                [FieldProblem("format", f"use one of {', '.join(sorted(IMPORTERS))}", file=path.name)],
            )
        return cls(path)
    head = _head(path)
    for cls in sorted(IMPORTERS.values(), key=lambda c: -c.priority):
        if cls.sniff(path, head):
            return cls(path)
    raise ValidationFailed(
        "Cannot tell the file's format.",
        [FieldProblem("format", f"give --format ({', '.join(sorted(IMPORTERS))})", file=path.name)],
    )


def _head(path: Path, size: int = 8192) -> str:
    with path.open("rb") as fh:
        return fh.read(size).decode("utf-8-sig", errors="replace")


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _split(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    if _empty(value):
        return []
    return [v for v in LIST_SPLIT.split(str(value).strip()) if v]


class TooDeep(ValueError):
    """JSON nested deeper than Python's parser can follow (hundreds of levels; no practice needs that)."""


def load_json(text: str) -> Any:
    """``json.loads`` that answers a line nested too deep with TooDeep instead of a RecursionError traceback."""
    try:
        return json.loads(text)
    except RecursionError:
        raise TooDeep("nested too deep to be a practice record (hundreds of levels of [ or {)") from None


def _json_or(value: Any, parse: Callable[[str], list[Any]]) -> Any:
    """A list given as JSON text (CSV cells) or in the simple text form."""
    if isinstance(value, str) and value.strip().startswith(("[", "{")):
        try:
            loaded = load_json(value)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not valid JSON ({exc.msg})") from None
        return loaded if isinstance(loaded, list) else [loaded]
    return parse(value) if isinstance(value, str) else value


def parse_contacts(text: str) -> list[Any]:
    out: list[Any] = []
    for part in _split(text):
        m = CONTACT_RE.match(part)
        out.append(
            {"name": m.group("name"), "email": m.group("email")}
            if m
            else ({"email": part} if "@" in part and " " not in part else {"name": part})
        )
    return out


def _links(text: str) -> list[Any]:
    return [{"url": u} for u in _split(text)]


def normalise(raw: dict[str, Any], row: int, file: str) -> RawRecord:
    """Map a record in the documented format (aliases, lists as text, empty numbers) to PracticeIn input."""
    data: dict[str, Any] = {}
    problems: list[FieldProblem] = []
    for key, value in raw.items():
        name = ALIASES.get(str(key).strip().lower(), str(key).strip().lower())
        if name == "summary" and "summary" in data and not _empty(data["summary"]):
            data["summary"] = f"{data['summary']}\n\n{value}" if not _empty(value) else data["summary"]
            continue
        data[name] = value
    for name in NUMBER_FIELDS:
        if name in data and _empty(data[name]):
            data[name] = None
    try:
        if "sdgs" in data:
            goals = (
                data["sdgs"] if isinstance(data["sdgs"], list) else GOAL_SPLIT.split(str(data["sdgs"] or ""))
            )
            data["sdgs"] = [
                int(float(g)) if isinstance(g, str) else g
                for g in goals
                if not (isinstance(g, str) and not g.strip())
            ]
    except ValueError:
        problems.append(FieldProblem("sdgs", f"'{data['sdgs']}' is not a list of goal numbers", row, file))
    for name in LIST_FIELDS:
        if name in data:
            data[name] = _split(data[name])
    for name, parse in (("contacts", parse_contacts), ("links", _links), ("outcome_figures", lambda _t: [])):
        if name in data:
            try:
                data[name] = [] if _empty(data[name]) else _json_or(data[name], parse)
            except ValueError as exc:
                problems.append(FieldProblem(name, str(exc), row, file))
    links = data.get("links") or []
    links = [{"url": link} if isinstance(link, str) else link for link in links]
    ref = data.pop("url_or_ref", None)
    if isinstance(ref, str) and ref.strip():
        if ref.strip().lower().startswith(("http://", "https://")) and " " not in ref.strip():
            links.append({"url": ref.strip()})
        else:
            data.setdefault("source_ref", ref.strip())
    if "links" in data or links:
        data["links"] = links
    ignored = []
    for key in list(data):
        if key not in KNOWN:
            data.pop(key)
            ignored.append(key)
        elif isinstance(data[key], str):
            data[key] = data[key].strip()
        if key in data and _empty(data[key]) and key not in ("title", "external_id"):
            data.pop(key)
    if _empty(data.get("external_id")):
        problems.append(
            FieldProblem(
                "id",
                "every imported practice needs an id (kept as its external id, so a later import updates it)",
                row,
                file,
            )
        )
    elif not isinstance(data["external_id"], str):
        data["external_id"] = str(data["external_id"])
    return RawRecord(row, data, problems, ignored)


def _csv_reader(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Data rows as dicts with their row number (the header is row 1); strict, so a missing closing quote
    is an error naming its line rather than one long row."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        records = csvin.rows(fh)
        try:
            _line, header = next(records, (1, []))
            if not header:
                return
            for n, (_start, values) in enumerate(records, start=2):
                if not values:
                    continue
                yield n, {k: (values[i] if i < len(values) else "") for i, k in enumerate(header)}
        except csvin.CsvSyntaxError as exc:
            raise ValidationFailed(
                "The file cannot be read; nothing was imported.",
                [FieldProblem("file", f"the CSV is malformed: {exc.message}", exc.line, path.name)],
            ) from None


def _count_lines(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(1 for line in fh if line.strip())


@register
class JsonLinesImporter(Importer):
    """One JSON object a line in the documented format (the shared corpus's format)."""

    name = "jsonl"
    label = "JSON Lines"
    extensions = (".jsonl", ".ndjson", ".json")

    def count(self) -> int:
        """Non-empty lines."""
        return _count_lines(self.path)

    def records(self) -> Iterator[RawRecord]:
        """Yield one record per non-empty line; a line that is not a JSON object is a rejected row."""
        with self.path.open(encoding="utf-8-sig") as fh:
            for n, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    obj = load_json(line)
                except TooDeep as exc:
                    yield RawRecord(n, {}, [FieldProblem("line", f"not accepted: {exc}", n, self.path.name)])
                    continue
                except json.JSONDecodeError as exc:
                    yield RawRecord(
                        n,
                        {},
                        [
                            FieldProblem(
                                "line", f"not valid JSON ({exc.msg} at column {exc.colno})", n, self.path.name
                            )
                        ],
                    )
                    continue
                if not isinstance(obj, dict):
                    yield RawRecord(
                        n, {}, [FieldProblem("line", "expected a JSON object", n, self.path.name)]
                    )
                    continue
                yield normalise(obj, n, self.path.name)


@register
class CsvImporter(Importer):
    """A CSV file with a header of the documented field names; lists separated by semicolons."""

    name = "csv"
    label = "CSV"
    extensions = (".csv",)

    def count(self) -> int:
        """Data rows (a quick count of records)."""
        return sum(1 for _ in _csv_reader(self.path))

    def records(self) -> Iterator[RawRecord]:
        """Yield one record per data row (row 1 is the header)."""
        for n, row in _csv_reader(self.path):
            yield normalise(row, n, self.path.name)


URBACT_REQUIRED = ("Name", "City", "Summary", "Solution", "CodePractices")


@register
class UrbactImporter(Importer):
    """The URBACT good-practice export (Name, City, Summary, Solution, Approach, ..., Transferability)."""

    name = "urbact"
    label = "URBACT good practices (CSV export)"
    priority = 10

    @classmethod
    def sniff(cls, path: Path, head: str) -> bool:
        """A CSV whose header has URBACT's columns."""
        first = head.splitlines()[0] if head else ""
        return path.suffix.lower() == ".csv" and all(
            f'"{c}"' in first or c in first.split(",") for c in URBACT_REQUIRED
        )

    def count(self) -> int:
        """Data rows."""
        return sum(1 for _ in _csv_reader(self.path))

    def records(self) -> Iterator[RawRecord]:
        """Yield each good practice mapped to the documented fields."""
        for n, row in _csv_reader(self.path):
            missing = [c for c in URBACT_REQUIRED if c not in row]
            if missing:
                raise ValidationFailed(
                    "This is not an URBACT good-practice export.",
                    [FieldProblem("header", f"missing column(s) {', '.join(missing)}", 1, self.path.name)],
                )
            yield normalise(self.map_row(row), n, self.path.name)

    @staticmethod
    def map_row(row: dict[str, str]) -> dict[str, Any]:
        """URBACT columns to documented fields."""

        def get(name: str) -> str:
            return (row.get(name) or "").strip()

        def year(name: str) -> str:
            value = get(name)
            return value if value.isdigit() else ""

        keywords = [" ".join(k.split()) for k in (get("Kwords2020") or get("Kwords")).splitlines()]
        pop = get("Pop")
        size = city_size_for(int(pop)) if pop.isdigit() else ""
        summary = get("Summary") or get("Description")
        return {
            "id": f"urbact-{int(code):04d}" if (code := get("CodePractices")).isdigit() else code,
            "title": get("Name"),
            "city": get("City"),
            "city_id": get("geonameId") if get("geonameId").isdigit() else "",
            "country": get("CountryCode") or get("Country"),
            "city_size": size,
            "summary": summary,
            "solution": get("Solution"),
            "approach": get("Approach"),
            "participation": get("Participation"),
            "outcomes": get("Outcomes"),
            "transferability": get("Transferability"),
            "budget": get("Budget") if re.fullmatch(r"\d+(\.\d+)?", get("Budget")) else "",
            "budget_currency": "EUR" if re.fullmatch(r"\d+(\.\d+)?", get("Budget")) else "",
            "start_year": year("Start"),
            "end_year": year("End"),
            "sectors": [k for k in keywords if k],
            "language": "en",
            "source": "URBACT good practices",
        }
