"""Exports of any list (same filters as the page) to CSV or XLSX, and blank import templates.

Exports use the import columns, so an exported file can be edited and imported again: rows carry their
``id`` and update the same records. Text that starts with = + - @ (or a tab or carriage return) is written
with a leading apostrophe in CSV (core/csvout.py) so spreadsheets never run it as a formula; XLSX cells are
written as explicit text cells, which spreadsheets do not evaluate. The importer removes the apostrophe.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from citydip.accounts.models import User
from citydip.core import csvout
from citydip.core.context import WorkspaceContext
from citydip.core.listing import ListParams, ListSpec
from citydip.register import listing
from citydip.register.agreements import repository as agreements_repo
from citydip.register.agreements.models import Agreement
from citydip.register.engagements import repository as engagements_repo
from citydip.register.followups import repository as followups_repo
from citydip.register.io.kinds_records import kinds
from citydip.register.partners import repository as partners_repo
from citydip.register.partners.models import Partner

BATCH = 1000
FOLLOWUP_COLUMNS = (
    "id",
    "task",
    "owner",
    "due_on",
    "status",
    "engagement_id",
    "agreement_id",
    "partner_id",
    "notes",
)
SPECS: dict[str, tuple[ListSpec, Any]] = {
    "partners": (partners_repo.PARTNER_LIST, partners_repo.partners_query),
    "people": (partners_repo.PEOPLE_LIST, partners_repo.people_query),
    "agreements": (agreements_repo.AGREEMENT_LIST, agreements_repo.agreements_query),
    "engagements": (engagements_repo.ENGAGEMENT_LIST, engagements_repo.engagements_query),
    "followups": (followups_repo.FOLLOWUP_LIST, followups_repo.followups_query),
}
EXPORT_KINDS = tuple(SPECS)


def header(kind: str) -> list[str]:
    """The column names of a kind's files."""
    if kind == "followups":
        return list(FOLLOWUP_COLUMNS)
    return [c.name for c in kinds()[kind].columns]


def cell(value: Any) -> Any:
    """A Python value as a cell value (dates ISO, lists joined with ;)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()[:5] if isinstance(value, dt.time) else value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return "; ".join(
                " | ".join(x for x in (s.get("name", ""), s.get("title", ""), s.get("on_behalf_of", "")) if x)
                for s in value
            )
        return "; ".join(str(v) for v in value)
    return value


class _Refs:
    """How exported rows name the partners and agreements they point to (external id, else name or title).

    Read per batch for the ids the batch needs, and kept: an export of a few searched rows no longer reads
    all 20,000 partners and 5,000 agreements first (that cost ~200 ms whatever the filter).
    """

    def __init__(self, session: Session, ws: int) -> None:
        self.session, self.ws = session, ws
        self.partners: dict[uuid.UUID, str] = {}
        self.agreements: dict[uuid.UUID, str] = {}

    def _load(self, model: Any, label: Any, known: dict[uuid.UUID, str], ids: set[uuid.UUID]) -> None:
        missing = sorted(ids - known.keys())
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            rows = self.session.execute(
                select(model.id, model.external_id, label).where(
                    model.workspace_id == self.ws, model.id.in_(chunk)
                )
            )
            known.update({rid: external or text for rid, external, text in rows.all()})
            known.update({rid: "" for rid in chunk if rid not in known})

    def need(self, partner_ids: Iterable[uuid.UUID], agreement_ids: Iterable[uuid.UUID] = ()) -> None:
        """Make sure these partners and agreements are known."""
        self._load(Partner, Partner.name, self.partners, set(partner_ids))
        self._load(Agreement, Agreement.title, self.agreements, set(agreement_ids))


def rows(session: Session, ctx: WorkspaceContext, kind: str, params: ListParams) -> Iterator[list[Any]]:
    """Every matching record of a list as cell values (header first)."""
    spec, base = SPECS[kind]
    stmt = listing.apply(session, spec, base(ctx.id), params, ctx.id)
    yield header(kind)
    refs = _Refs(session, ctx.id)
    owners: dict[int, str] = {}
    if kind == "followups":
        owners = dict(session.execute(select(User.id, User.email)).all())
    batch: list[Any] = []
    for record in session.scalars(stmt.execution_options(yield_per=BATCH)):
        batch.append(record)
        if len(batch) >= BATCH:
            yield from _format(session, ctx, kind, batch, refs, owners)
            batch = []
    if batch:
        yield from _format(session, ctx, kind, batch, refs, owners)


def _format(
    session: Session,
    ctx: WorkspaceContext,
    kind: str,
    batch: Sequence[Any],
    refs: _Refs,
    owners: dict[int, str],
) -> Iterator[list[Any]]:
    columns = header(kind)
    partner_refs, agreement_refs = refs.partners, refs.agreements
    if kind == "partners":
        for p in batch:
            values = {c: getattr(p, c, None) for c in columns}
            values |= {"country": p.country_code, "city": _city_label(session, p.city_id)}
            yield [cell(values.get(c)) for c in columns]
    elif kind == "people":
        refs.need(p.partner_id for p in batch)
        for p in batch:
            values = {c: getattr(p, c, None) for c in columns} | {
                "partner": partner_refs.get(p.partner_id, "")
            }
            yield [cell(values.get(c)) for c in columns]
    elif kind == "agreements":
        alinks = agreements_repo.links_for(session, ctx.id, [a.id for a in batch])
        refs.need(p for parties, _goals, _codes in alinks.values() for p in parties)
        for a in batch:
            parties, goals, codes = alinks[a.id]
            values = {c: getattr(a, c, None) for c in columns} | {
                "parties": [partner_refs.get(p, "") for p in parties],
                "sdgs": goals,
                "challenges": codes,
                "country": a.country_code,
            }
            yield [cell(values.get(c)) for c in columns]
    elif kind == "engagements":
        links = engagements_repo.links_for(session, ctx.id, [e.id for e in batch])
        refs.need(
            (p for link in links.values() for p in link["partner_ids"]),
            (a for link in links.values() for a in link["agreement_ids"]),
        )
        for e in batch:
            link = links[e.id]
            values = {c: getattr(e, c, None) for c in columns} | {
                "partners": [partner_refs.get(p, "") for p in link["partner_ids"]],
                "agreements": [agreement_refs.get(a, "") for a in link["agreement_ids"]],
                "sdgs": link["sdgs"],
                "challenges": link["challenges"],
                "country": e.country_code,
            }
            yield [cell(values.get(c)) for c in columns]
    else:
        for f in batch:
            values = {c: getattr(f, c, None) for c in columns} | {"owner": owners.get(f.owner_id, "")}
            yield [cell(values.get(c)) for c in columns]


_city_cache: dict[int, str] = {}


def _city_label(session: Session, city_id: int | None) -> str:
    if city_id is None:
        return ""
    if city_id not in _city_cache:
        from citydip.reference.repository import city

        found = city(session, city_id)
        _city_cache[city_id] = found.label if found else ""
    return _city_cache[city_id]


def to_csv(lines: Iterator[list[Any]]) -> Iterator[str]:
    """CSV text (UTF-8 with BOM so spreadsheets detect the encoding), chunk by chunk, formulas protected."""
    return csvout.stream(lines, lineterminator="\r\n", bom=True)


def to_xlsx(lines: Iterator[list[Any]], title: str, help_rows: Sequence[Sequence[str]] = ()) -> bytes:
    """An XLSX workbook; text cells are typed as text so nothing is evaluated."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    for line in lines:
        cells = []
        for value in line:
            item = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                item.data_type = "s"
            cells.append(item)
        sheet.append(cells)
    if help_rows:
        notes = book.create_sheet("help")
        for help_line in help_rows:
            notes.append(list(help_line))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template(kind: str, fmt: str) -> bytes:
    """A blank import file for a kind: the header row (and a help sheet in XLSX)."""
    columns = kinds()[kind].columns
    if fmt == "csv":
        return "".join(to_csv(iter([[c.name for c in columns]]))).encode("utf-8")
    help_rows = [("column", "required", "what to enter", "example", "allowed values")] + [
        (c.name, "yes" if c.required else "", c.help, c.example, ", ".join(c.choices)) for c in columns
    ]
    return to_xlsx(iter([[c.name for c in columns]]), kind, help_rows)
