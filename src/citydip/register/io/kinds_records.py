"""Importable agreements and engagements, with their links to partners, agreements, SDGs and challenges."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from citydip.core.context import WorkspaceContext
from citydip.core.text import fold
from citydip.register.agreements.models import Agreement, AgreementChallenge, AgreementParty, AgreementSdg
from citydip.register.engagements.models import (
    Engagement,
    EngagementAgreement,
    EngagementChallenge,
    EngagementPartner,
    EngagementSdg,
)
from citydip.register.io import bulk
from citydip.register.io import columns as c
from citydip.register.io.engine import Kind, RowPlan
from citydip.register.io.kinds import EXTERNAL, ID, VISIBILITY, _set
from citydip.register.io.refs import AgreementRefs, PartnerRefs
from citydip.register.vocab import (
    AGREEMENT_KINDS,
    AGREEMENT_STATUSES,
    COOPERATION_FIELDS,
    ENGAGEMENT_KINDS,
    ENGAGEMENT_STATUSES,
    codes,
)


def _resolve_all(
    refs: Any, names: list[str] | None, column: str
) -> tuple[list[uuid.UUID], list[tuple[str, str]]]:
    ids: list[uuid.UUID] = []
    for ref in names or []:
        try:
            found = refs.resolve(ref)
        except ValueError as exc:
            return [], [(column, str(exc))]
        if found not in ids:
            ids.append(found)
    return ids, []


def _write_links(
    session: Session,
    ws: int,
    plans: Sequence[RowPlan],
    present: set[str],
    owner: str,
    links: Sequence[tuple[str, Any, str, str]],
) -> None:
    """For each (column, link table, value column, values key): replace the links of rows that name it."""
    for column, table, value_column, key in links:
        if column not in present:
            continue
        owners = [p.record_id for p in plans if p.action == "update"]
        rows = []
        for plan in plans:
            for position, value in enumerate(plan.values.get(key) or []):
                row = {"workspace_id": ws, owner: plan.record_id, value_column: value}
                if "position" in table.c:
                    row["position"] = position
                rows.append(row)
        bulk.replace_links(session, table, owner, ws, owners, rows)


class _RecordKind(Kind):
    model: ClassVar[Any]

    def _load(self, session: Session, ws: int, *columns: Any) -> list[Any]:
        return list(
            session.execute(
                select(self.model.id, self.model.external_id, *columns).where(self.model.workspace_id == ws)
            ).all()
        )

    def existing(self, values: dict[str, Any]) -> uuid.UUID | None:
        external = values.get("external_id")
        if external and external in self.by_external:
            return self.by_external[external]
        return self.by_key.get(self.key(values))

    def has_id(self, record_id: uuid.UUID) -> bool:
        return record_id in self.ids

    def _index(self, rows: list[Any]) -> None:
        self.ids: set[uuid.UUID] = set()
        self.by_external: dict[str, uuid.UUID] = {}
        self.by_key: dict[tuple[Any, ...], uuid.UUID] = {}
        for rid, external, *rest in rows:
            self.ids.add(rid)
            if external:
                self.by_external[external] = rid
            self.by_key[tuple(rest)] = rid


class AgreementsKind(_RecordKind):
    """Agreements with their parties."""

    name = "agreements"
    key_help = "type and title"
    model = Agreement
    columns: ClassVar[tuple[c.Column, ...]] = (
        ID,
        EXTERNAL,
        c.Column("kind", c.choice(AGREEMENT_KINDS), True, "Type", "sister_city", codes(AGREEMENT_KINDS)),
        c.Column("title", c.text(300), True, "Title", "Los Angeles - Guangzhou sister cities"),
        c.Column(
            "status",
            c.choice(AGREEMENT_STATUSES),
            help="Status",
            example="active",
            choices=codes(AGREEMENT_STATUSES),
        ),
        c.Column(
            "parties", c.references, help="Partners (external ids or names), separated by ;", example="GZ-001"
        ),
        c.Column("signed_on", c.date, help="YYYY-MM-DD", example="1981-12-08"),
        c.Column("starts_on", c.date, help="YYYY-MM-DD"),
        c.Column("ends_on", c.date, help="YYYY-MM-DD"),
        c.Column("renews_on", c.date, help="Next renewal or review, YYYY-MM-DD"),
        c.Column(
            "fields",
            c.choice_list(COOPERATION_FIELDS),
            help="Fields of cooperation, separated by ;",
            example="economy_trade; culture",
            choices=codes(COOPERATION_FIELDS),
        ),
        c.Column("sdgs", c.goals, help="SDG numbers, separated by ;", example="11; 17"),
        c.Column("challenges", c.challenges, help="Challenge codes, separated by ;", example="epidemics"),
        c.Column(
            "signatories",
            c.signatories,
            help="Name | Title | On behalf of; ...",
            example="Tom Bradley | Mayor | Los Angeles",
        ),
        c.Column("description", c.text(20000), help="What it covers"),
        c.Column("notes", c.text(20000), help="Internal notes"),
        c.Column("country", c.country, help="Counterpart country (default: first party's)"),
        VISIBILITY,
    )

    def prepare(self, session: Session, ctx: WorkspaceContext) -> None:
        self.partners = PartnerRefs(session, ctx.id)
        rows = self._load(session, ctx.id, Agreement.kind, Agreement.title)
        self._index([(r[0], r[1], r[2], fold(r[3])) for r in rows])

    def key(self, values: dict[str, Any]) -> tuple[Any, ...]:
        return (values["kind"], fold(values["title"]))

    def check(self, values: dict[str, Any], present: set[str]) -> list[tuple[str, str]]:
        start = values.get("starts_on") or values.get("signed_on")
        for column in ("ends_on", "renews_on"):
            if start and values.get(column) and values[column] < start:
                return [(column, "is before the start date")]
        ids, problems = _resolve_all(self.partners, values.get("parties"), "parties")
        values["_parties"] = ids
        return problems

    def write(
        self, session: Session, ctx: WorkspaceContext, plans: Sequence[RowPlan], present: set[str]
    ) -> None:
        scalars = (
            "status",
            "signed_on",
            "starts_on",
            "ends_on",
            "renews_on",
            "description",
            "notes",
            "external_id",
            "visibility",
            "fields",
            "signatories",
        )
        defaults: dict[str, Any] = {
            "status": "proposed",
            "visibility": "private",
            "description": "",
            "notes": "",
            "fields": [],
            "signatories": [],
        }
        creates, updates = [], []
        for plan in plans:
            v = plan.values
            parties = v["_parties"]
            row: dict[str, Any] = {"id": plan.record_id, "kind": v["kind"], "title": v["title"]}
            for name in scalars:
                value = v.get(name)
                if plan.action == "create":
                    row[name] = defaults.get(name) if value is None else value
                else:
                    _set(row, present, name, name, defaults.get(name) if value is None else value)
            if plan.action == "create" or "parties" in present or "country" in present:
                row["parties_label"] = self.partners.label(parties)
                row["country_code"] = v.get("country") or self.partners.country(parties)
            if plan.action == "create":
                creates.append(row | {"workspace_id": ctx.id})
            else:
                updates.append(row)
        bulk.insert_rows(session, Agreement.__table__, bulk.stamp(creates, True))
        bulk.update_rows(session, Agreement.__table__, ctx.id, bulk.stamp(updates, False))
        _write_links(
            session,
            ctx.id,
            plans,
            present | {"parties"} if creates else present,
            "agreement_id",
            (
                ("parties", AgreementParty.__table__, "partner_id", "_parties"),
                ("sdgs", AgreementSdg.__table__, "goal", "sdgs"),
                ("challenges", AgreementChallenge.__table__, "challenge", "challenges"),
            ),
        )


class EngagementsKind(_RecordKind):
    """Engagements with their partners and agreements."""

    name = "engagements"
    key_help = "type, title and first day"
    model = Engagement
    columns: ClassVar[tuple[c.Column, ...]] = (
        ID,
        EXTERNAL,
        c.Column(
            "kind", c.choice(ENGAGEMENT_KINDS), True, "Type", "incoming_delegation", codes(ENGAGEMENT_KINDS)
        ),
        c.Column("title", c.text(300), True, "Title", "Guangzhou trade delegation"),
        c.Column(
            "status",
            c.choice(ENGAGEMENT_STATUSES),
            help="Status",
            example="confirmed",
            choices=codes(ENGAGEMENT_STATUSES),
        ),
        c.Column("starts_on", c.date, True, "First day, YYYY-MM-DD", "2026-12-03"),
        c.Column("ends_on", c.date, help="Last day, YYYY-MM-DD", example="2026-12-05"),
        c.Column("start_time", c.time, help="HH:MM, local time", example="09:30"),
        c.Column("end_time", c.time, help="HH:MM, local time"),
        c.Column("place", c.text(300), help="Where", example="City Hall"),
        c.Column("country", c.country, help="Counterpart country (default: first partner's)"),
        c.Column(
            "partners",
            c.references,
            help="Partners (external ids or names), separated by ;",
            example="GZ-001",
        ),
        c.Column("agreements", c.references, help="Agreements (external ids or titles), separated by ;"),
        c.Column("sdgs", c.goals, help="SDG numbers, separated by ;", example="8; 17"),
        c.Column("challenges", c.challenges, help="Challenge codes, separated by ;"),
        c.Column("purpose", c.text(20000), help="Purpose"),
        c.Column("notes", c.text(20000), help="Notes"),
        c.Column("outcome_text", c.text(20000), help="Outcomes in words"),
        c.Column("investment_amount", c.amount, help="Investment announced (not negative)"),
        c.Column("investment_currency", c.currency, help="ISO currency code", example="USD"),
        c.Column("jobs", c.whole, help="Jobs announced"),
        c.Column("export_deals", c.whole, help="Export deals"),
        c.Column("students", c.whole, help="Students exchanged"),
        c.Column("agreements_signed", c.whole, help="Agreements signed"),
        VISIBILITY,
    )
    SCALARS = (
        "status",
        "ends_on",
        "start_time",
        "end_time",
        "place",
        "purpose",
        "notes",
        "outcome_text",
        "investment_amount",
        "investment_currency",
        "jobs",
        "export_deals",
        "students",
        "agreements_signed",
        "external_id",
        "visibility",
    )
    DEFAULTS: ClassVar[dict[str, Any]] = {
        "status": "planned",
        "visibility": "private",
        "place": "",
        "purpose": "",
        "notes": "",
        "outcome_text": "",
        "investment_currency": "",
    }

    def prepare(self, session: Session, ctx: WorkspaceContext) -> None:
        self.partners = PartnerRefs(session, ctx.id)
        self.agreements = AgreementRefs(session, ctx.id)
        self._index(self._load(session, ctx.id, Engagement.kind, Engagement.title_key, Engagement.starts_on))

    def key(self, values: dict[str, Any]) -> tuple[Any, ...]:
        return (values["kind"], fold(values["title"]), values["starts_on"])

    def check(self, values: dict[str, Any], present: set[str]) -> list[tuple[str, str]]:
        if values.get("ends_on") and values["ends_on"] < values["starts_on"]:
            return [("ends_on", "is before the start date")]
        same_day = values.get("ends_on") in (None, values["starts_on"])
        if (
            same_day
            and values.get("start_time")
            and values.get("end_time")
            and values["end_time"] < values["start_time"]
        ):
            return [("end_time", "is before the start time")]
        values["_partners"], problems = _resolve_all(self.partners, values.get("partners"), "partners")
        if problems:
            return problems
        values["_agreements"], problems = _resolve_all(
            self.agreements, values.get("agreements"), "agreements"
        )
        return problems

    def write(
        self, session: Session, ctx: WorkspaceContext, plans: Sequence[RowPlan], present: set[str]
    ) -> None:
        creates, updates = [], []
        for plan in plans:
            v = plan.values
            row: dict[str, Any] = {
                "id": plan.record_id,
                "kind": v["kind"],
                "title": v["title"],
                "title_key": fold(v["title"]),
                "starts_on": v["starts_on"],
            }
            for name in self.SCALARS:
                value = v.get(name)
                value = self.DEFAULTS.get(name) if value is None else value
                if plan.action == "create":
                    row[name] = value
                else:
                    _set(row, present, name, name, value)
            if plan.action == "create" or "partners" in present or "country" in present:
                row["partners_label"] = self.partners.label(v["_partners"])
                row["country_code"] = v.get("country") or self.partners.country(v["_partners"])
            if plan.action == "create":
                creates.append(row | {"workspace_id": ctx.id, "protocol": {}})
            else:
                updates.append(row)
        bulk.insert_rows(session, Engagement.__table__, bulk.stamp(creates, True))
        bulk.update_rows(session, Engagement.__table__, ctx.id, bulk.stamp(updates, False))
        _write_links(
            session,
            ctx.id,
            plans,
            present,
            "engagement_id",
            (
                ("partners", EngagementPartner.__table__, "partner_id", "_partners"),
                ("agreements", EngagementAgreement.__table__, "agreement_id", "_agreements"),
                ("sdgs", EngagementSdg.__table__, "goal", "sdgs"),
                ("challenges", EngagementChallenge.__table__, "challenge", "challenges"),
            ),
        )


def kinds() -> dict[str, Kind]:
    """Fresh importers by name."""
    from citydip.register.io.kinds import PartnersKind, PeopleKind

    return {
        "partners": PartnersKind(),
        "people": PeopleKind(),
        "agreements": AgreementsKind(),
        "engagements": EngagementsKind(),
    }
