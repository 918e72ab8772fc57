"""Wikidata "twinned administrative body" (P190) pairs: Wikidata id to Wikidata id, labels from a names file.

Accepted pair files: a table with columns ``qid_a`` and ``qid_b`` (optionally ``label_a`` and ``label_b``),
or two columns of ids without a header (``Q64<TAB>Q90``, one direction or both). The names file maps ids to
labels, one ``Q64<TAB>Berlin`` a line (or a table with columns ``qid`` and ``label``); it is needed when the
pair file has no labels. Pairs are undirected: A-B and B-A are one pair. Wikidata is CC0.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from citydip.ties.importers.base import (
    REPEATED,
    SAME_PLACE,
    Problems,
    ReadResult,
    Record,
    TieFormat,
    TieRow,
    check_name,
    read_table,
    read_text,
    sniff_delimiter,
)
from citydip.ties.importers.registry import register
from citydip.ties.placenames import QID_RE
from citydip.ties.resolution import Place


def _headerless(text: str) -> bool:
    first = text.lstrip().split("\n", 1)[0]
    cells = next(csv.reader([first], delimiter=sniff_delimiter(first)), [])
    return bool(cells) and bool(QID_RE.match(cells[0].strip()))


def _plain_rows(text: str, problems: Problems, width: int) -> list[Record]:
    """Rows of a headerless file as records with columns c0, c1..."""
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(first))
    out: list[Record] = []
    try:
        for values in reader:
            if not values or all(not v.strip() for v in values):
                continue
            if len(values) < width:
                problems.add("row", f"has {len(values)} field(s); expected {width}", reader.line_num)
                continue
            out.append(Record(reader.line_num, {f"c{i}": v for i, v in enumerate(values)}))
    except csv.Error as exc:
        problems.add("row", f"cannot read this row: {exc}", reader.line_num)
    return out


def read_names(path: Path) -> dict[str, str]:
    """Labels by Wikidata id from a names file."""
    problems = Problems(path.name)
    text = read_text(path, problems)
    labels: dict[str, str] = {}
    if _headerless(text):
        records = [(r.row, r.get("c0"), r.get("c1")) for r in _plain_rows(text, problems, 2)]
    else:
        records = [
            (r.row, r.get("qid"), r.get("label")) for r in read_table(text, problems, ["qid", "label"])
        ]
    for row, qid, label in records:
        if not QID_RE.match(qid):
            problems.add("qid", f"'{qid[:40]}' is not a Wikidata id (Q followed by digits)", row)
            continue
        labels[qid] = check_name(label, "label", row, problems, required=False)
    problems.raise_if_any()
    return labels


@register
class WikidataFormat(TieFormat):
    """Wikidata P190 pairs with a names file."""

    name = "wikidata"
    source = "wikidata"
    licence = "CC0-1.0"
    source_url = "https://www.wikidata.org/wiki/Property:P190"
    description = "Wikidata P190 pairs (QID to QID) with a names file"

    def read(self) -> ReadResult:
        """Pairs of Wikidata ids with their labels; each undirected pair once."""
        problems = self.problems
        text = read_text(self.path, problems)
        labels = read_names(self.names) if self.names is not None else {}
        pairs: list[tuple[int, str, str, str, str]] = []
        if _headerless(text):
            for r in _plain_rows(text, problems, 2):
                pairs.append((r.row, r.get("c0"), "", r.get("c1"), ""))
        else:
            for r in read_table(text, problems, ["qid_a", "qid_b"]):
                pairs.append((r.row, r.get("qid_a"), r.get("label_a"), r.get("qid_b"), r.get("label_b")))
        problems.raise_if_any()
        if not labels and not any(p[2] or p[4] for p in pairs):
            raise problems.fail("names", "the pair file has no labels; give the names file with --names")
        seen: set[frozenset[str]] = set()
        skipped = {REPEATED: 0, SAME_PLACE: 0}
        ties: list[TieRow] = []
        for row, qa, la, qb, lb in pairs:
            ok = True
            for field, qid in (("qid_a", qa), ("qid_b", qb)):
                if not QID_RE.match(qid):
                    problems.add(field, f"'{qid[:40]}' is not a Wikidata id (Q followed by digits)", row)
                    ok = False
            label_a = check_name(labels.get(qa) or la, "label_a", row, problems, required=False)
            label_b = check_name(labels.get(qb) or lb, "label_b", row, problems, required=False)
            if not ok:
                continue
            if qa == qb:
                skipped[SAME_PLACE] += 1
                continue
            key = frozenset((qa, qb))
            if key in seen:
                skipped[REPEATED] += 1
                continue
            seen.add(key)
            ties.append(TieRow(row, Place(label_a, qid=qa), Place(label_b, qid=qb), f"{qa} – {qb}"))
        problems.raise_if_any()
        return ReadResult(ties, [], {k: v for k, v in skipped.items() if v})
