"""The four importable kinds: partners, people, agreements and engagements (a registry by name)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from citydip.core.context import WorkspaceContext
from citydip.core.text import fold
from citydip.reference.cities import resolve_city
from citydip.register.io import bulk
from citydip.register.io import columns as c
from citydip.register.io.engine import Kind, RowPlan
from citydip.register.io.refs import PartnerRefs
from citydip.register.partners.models import Partner, Person
from citydip.register.vocab import PARTNER_KINDS, VISIBILITIES, codes

ID = c.Column("id", c.record_id, help="CityDip id (filled in exports; leave empty for new rows)")
EXTERNAL = c.Column(
    "external_id", c.text(100), help="Your own id; re-imports update the record with it", example="GZ-001"
)
VISIBILITY = c.Column(
    "visibility",
    c.choice(VISIBILITIES),
    help="private, network or public",
    choices=codes(VISIBILITIES),
    example="private",
)


def _set(row: dict[str, Any], present: set[str], column: str, field: str, value: Any) -> None:
    if column in present:
        row[field] = value


class PartnersKind(Kind):
    """Partners: cities, governments, consulates, organizations..."""

    name = "partners"
    key_help = "type, name and country"
    columns: ClassVar[tuple[c.Column, ...]] = (
        ID,
        EXTERNAL,
        c.Column("kind", c.choice(PARTNER_KINDS), True, "Type of partner", "city", codes(PARTNER_KINDS)),
        c.Column("name", c.text(200), True, "Name", "Guangzhou"),
        c.Column("country", c.country, help="ISO code or English name", example="CN"),
        c.Column("city", c.text(200), help="Reference city, 'Name, CC'", example="Guangzhou, CN"),
        c.Column("represented_country", c.country, help="Consulates: country represented", example=""),
        c.Column("head_of_post", c.text(200), help="Consulates: head of post"),
        c.Column("address", c.text(2000), help="Postal address"),
        c.Column("national_day", c.national_day, help="Consulates: national day MM-DD", example=""),
        c.Column("website", c.text(300), help="Web address"),
        c.Column("email", c.text(254), help="General email"),
        c.Column("phone", c.text(60), help="General phone"),
        c.Column("notes", c.text(20000), help="Notes"),
        VISIBILITY,
    )

    def prepare(self, session: Session, ctx: WorkspaceContext) -> None:
        self.ids: set[uuid.UUID] = set()
        self.by_external: dict[str, uuid.UUID] = {}
        self.by_key: dict[tuple[Any, ...], uuid.UUID] = {}
        rows = session.execute(
            select(
                Partner.id, Partner.external_id, Partner.kind, Partner.name_key, Partner.country_code
            ).where(Partner.workspace_id == ctx.id)
        ).all()
        for pid, external, kind, key, country in rows:
            self.ids.add(pid)
            if external:
                self.by_external[external] = pid
            self.by_key[(kind, key, country)] = pid
        self.session = session
        self.cities: dict[tuple[str, str | None], tuple[int, str] | None] = {}

    def check(self, values: dict[str, Any], present: set[str]) -> list[tuple[str, str]]:
        city = values.get("city")
        if not city and values["kind"] == "city":
            # A partner city is linked to its reference city when its name alone is unambiguous.
            match = resolve_city(self.session, values["name"], values.get("country"))
            good = match.city is not None and match.method in ("exact", "alternate") and not match.ambiguous
            values["_city_id"] = match.city.geonames_id if good and match.city else None
            if good and match.city and not values.get("country"):
                values["country"] = match.city.country_code
            return []
        if not city:
            values["_city_id"] = None
            return []
        cache_key = (city, values.get("country"))
        if cache_key not in self.cities:
            match = resolve_city(self.session, city, values.get("country"))
            self.cities[cache_key] = (match.city.geonames_id, match.city.country_code) if match.city else None
        found = self.cities[cache_key]
        if found is None:
            return [("city", f"no reference city matches '{city[:60]}'; try 'Name, CC'")]
        if values.get("country") and values["country"] != found[1]:
            return [("country", f"the city '{city[:60]}' is in {found[1]}, not {values['country']}")]
        values["_city_id"], values["country"] = found
        return []

    def key(self, values: dict[str, Any]) -> tuple[Any, ...]:
        return (values["kind"], fold(values["name"]), values.get("country"))

    def existing(self, values: dict[str, Any]) -> uuid.UUID | None:
        external = values.get("external_id")
        if external and external in self.by_external:
            return self.by_external[external]
        return self.by_key.get(self.key(values))

    def has_id(self, record_id: uuid.UUID) -> bool:
        return record_id in self.ids

    def write(
        self, session: Session, ctx: WorkspaceContext, plans: Sequence[RowPlan], present: set[str]
    ) -> None:
        from citydip.register.labels import refresh_labels_for_partner

        texts = ("head_of_post", "address", "national_day", "website", "email", "phone", "notes")
        creates, updates = [], []
        for plan in plans:
            v = plan.values
            if plan.action == "create":
                row: dict[str, Any] = {
                    "workspace_id": ctx.id,
                    "id": plan.record_id,
                    "kind": v["kind"],
                    "name": v["name"],
                    "name_key": fold(v["name"]),
                    "country_code": v.get("country"),
                    "city_id": v.get("_city_id"),
                    "represented_country": v.get("represented_country"),
                    "external_id": v.get("external_id"),
                    "visibility": v.get("visibility") or "private",
                    **{t: v.get(t) or "" for t in texts},
                }
                creates.append(row)
                continue
            row = {"id": plan.record_id, "kind": v["kind"], "name": v["name"], "name_key": fold(v["name"])}
            _set(row, present, "country", "country_code", v.get("country"))
            if "city" in present:
                row["city_id"] = v.get("_city_id")
                row["country_code"] = v.get("country")
            _set(row, present, "represented_country", "represented_country", v.get("represented_country"))
            _set(row, present, "external_id", "external_id", v.get("external_id"))
            _set(row, present, "visibility", "visibility", v.get("visibility") or "private")
            for t in texts:
                _set(row, present, t, t, v.get(t) or "")
            updates.append(row)
        bulk.insert_rows(session, Partner.__table__, bulk.stamp(creates, True))
        bulk.update_rows(session, Partner.__table__, ctx.id, bulk.stamp(updates, False))
        for row in updates:
            refresh_labels_for_partner(session, ctx.id, row["id"])


class PeopleKind(Kind):
    """People at partners."""

    name = "people"
    key_help = "partner and name"
    columns: ClassVar[tuple[c.Column, ...]] = (
        ID,
        EXTERNAL,
        c.Column("partner", c.text(200), True, "The partner: its external_id or exact name", "GZ-001"),
        c.Column("name", c.text(200), True, "Full name", "Wen Li"),
        c.Column("title", c.text(200), help="Job title", example="Vice Mayor"),
        c.Column("honorific", c.text(120), help="Form of address", example="The Honorable"),
        c.Column("salutation", c.text(120), help="Salutation in letters", example="Dear Vice Mayor Wen"),
        c.Column("email", c.text(254), help="Email"),
        c.Column("phone", c.text(60), help="Phone"),
        c.Column("languages", c.text(200), help="Languages", example="Mandarin, English"),
        c.Column("notes", c.text(20000), help="Notes"),
    )
    TEXTS = ("title", "honorific", "salutation", "email", "phone", "languages", "notes")

    def prepare(self, session: Session, ctx: WorkspaceContext) -> None:
        self.partners = PartnerRefs(session, ctx.id)
        self.ids: set[uuid.UUID] = set()
        self.by_external: dict[str, uuid.UUID] = {}
        self.by_key: dict[tuple[Any, ...], uuid.UUID] = {}
        for pid, external, partner_id, name in session.execute(
            select(Person.id, Person.external_id, Person.partner_id, Person.name).where(
                Person.workspace_id == ctx.id
            )
        ).all():
            self.ids.add(pid)
            if external:
                self.by_external[external] = pid
            self.by_key[(partner_id, fold(name))] = pid

    def check(self, values: dict[str, Any], present: set[str]) -> list[tuple[str, str]]:
        try:
            values["_partner_id"] = self.partners.resolve(values["partner"])
        except ValueError as exc:
            return [("partner", str(exc))]
        return []

    def key(self, values: dict[str, Any]) -> tuple[Any, ...]:
        return (values["_partner_id"], fold(values["name"]))

    def existing(self, values: dict[str, Any]) -> uuid.UUID | None:
        external = values.get("external_id")
        if external and external in self.by_external:
            return self.by_external[external]
        return self.by_key.get(self.key(values))

    def has_id(self, record_id: uuid.UUID) -> bool:
        return record_id in self.ids

    def write(
        self, session: Session, ctx: WorkspaceContext, plans: Sequence[RowPlan], present: set[str]
    ) -> None:
        creates, updates = [], []
        for plan in plans:
            v = plan.values
            if plan.action == "create":
                creates.append(
                    {
                        "workspace_id": ctx.id,
                        "id": plan.record_id,
                        "partner_id": v["_partner_id"],
                        "name": v["name"],
                        "external_id": v.get("external_id"),
                        **{t: v.get(t) or "" for t in self.TEXTS},
                    }
                )
                continue
            row: dict[str, Any] = {"id": plan.record_id, "partner_id": v["_partner_id"], "name": v["name"]}
            _set(row, present, "external_id", "external_id", v.get("external_id"))
            for t in self.TEXTS:
                _set(row, present, t, t, v.get(t) or "")
            updates.append(row)
        bulk.insert_rows(session, Person.__table__, bulk.stamp(creates, True))
        bulk.update_rows(session, Person.__table__, ctx.id, bulk.stamp(updates, False))
