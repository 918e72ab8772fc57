"""Sample records for ``citydip demo``: a few real sister cities of Los Angeles and Houston, marked as sample.

Pairs and years come from the cities' public sister-city lists; days of signature are not recorded here, and
everything else (delegations, gifts, follow-ups, people) is invented for the demo.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from citydip.accounts.models import Membership
from citydip.core.context import WorkspaceContext, WorkspaceRecord
from citydip.reference.models import City, Country
from citydip.register.agreements.schemas import AgreementIn
from citydip.register.agreements.service import create_agreement
from citydip.register.engagements.schemas import EngagementIn, GiftIn, ParticipantIn
from citydip.register.engagements.service import create_engagement
from citydip.register.followups.schemas import FollowUpIn
from citydip.register.followups.service import create_followup
from citydip.register.partners.schemas import PartnerIn, PersonIn
from citydip.register.partners.service import create_partner, create_person

SAMPLE = "Sample data for the CityDip demo."
TWINS: dict[str, list[tuple[str, int | None, list[str]]]] = {
    "los-angeles": [
        ("Nagoya, JP", 1959, ["culture", "economy_trade"]),
        ("Berlin, DE", 1967, ["culture"]),
        ("Mexico City, MX", 1969, ["economy_trade", "migration_inclusion"]),
        ("Busan, KR", 1971, ["economy_trade"]),
        ("Guangzhou, CN", 1981, ["economy_trade", "education_students"]),
        ("Vancouver, CA", 1986, ["climate", "tourism"]),
    ],
    "houston": [("Chiba, JP", None, ["economy_trade"]), ("Leipzig, DE", None, ["culture"])],
}


def seed(session: Session, workspace: WorkspaceRecord) -> None:
    """Add the sample partners, agreements, an engagement with gifts, and follow-ups."""
    ctx = WorkspaceContext.for_operator(workspace, label="demo")
    twins = TWINS.get(workspace.slug, [])
    home = session.get(City, workspace.city_id) if workspace.city_id else None
    home_name = home.name if home else workspace.name
    partners = []
    for label, year, fields in twins:
        partner = create_partner(
            session,
            ctx,
            PartnerIn(
                kind="city",
                name=label.split(",")[0],
                city=label,
                notes=SAMPLE,
                external_id=f"demo-{label[:3].lower()}",
            ),
        )
        partners.append(partner)
        since = (
            f"Sister cities since {year} (public list of the city)."
            if year
            else "Sister cities (public list)."
        )
        create_agreement(
            session,
            ctx,
            AgreementIn(
                kind="sister_city",
                title=f"{home_name} – {partner.name} sister cities",
                status="active",
                party_ids=[partner.id],
                fields=fields,
                sdgs=[11, 17],
                description=f"{since} {SAMPLE}",
                visibility="public",
            ),
        )
    if not partners:
        return
    today = dt.date.today()
    first = partners[-2] if len(partners) > 1 else partners[0]
    country = session.get(Country, first.country_code) if first.country_code else None
    consulate = create_partner(
        session,
        ctx,
        PartnerIn(
            kind="consulate",
            name=f"Consulate General of {country.name}" if country else "Consulate General",
            represented_country=first.country_code,
            head_of_post="(sample) Consul General",
            national_day="10-01",
            notes=SAMPLE,
            external_id="demo-consulate",
        ),
    )
    create_person(
        session,
        ctx,
        PersonIn(
            partner_id=consulate.id,
            name="Sample Consul General",
            title="Consul General",
            honorific="The Honorable",
            notes=SAMPLE,
        ),
    )
    engagement = create_engagement(
        session,
        ctx,
        EngagementIn(
            kind="incoming_delegation",
            title=f"{first.name} trade delegation (sample)",
            status="confirmed",
            starts_on=today + dt.timedelta(days=10),
            ends_on=today + dt.timedelta(days=12),
            place="City Hall",
            partner_ids=[first.id, consulate.id],
            sdgs=[8, 17],
            challenges=["economic_shocks"],
            purpose=f"Port and clean-tech cooperation. {SAMPLE}",
            protocol={
                "interpretation": {"status": "todo", "note": "consecutive"},
                "gifts": {"status": "done"},
            },
            participants=[
                ParticipantIn(side="theirs", name="Sample Vice Mayor", title="Vice Mayor"),
                ParticipantIn(side="ours", name="Sample Deputy Mayor", title="Deputy Mayor"),
            ],
            gifts=[
                GiftIn(
                    direction="received",
                    description="Porcelain vase",
                    estimated_value=120,
                    currency="USD",
                    recipient="Mayor",
                    disposition="Displayed at City Hall",
                )
            ],
        ),
    )
    mission_to = partners[0]
    create_engagement(
        session,
        ctx,
        EngagementIn(
            kind="outgoing_mission",
            title=f"Trade mission to {mission_to.name} (sample)",
            status="held",
            starts_on=today - dt.timedelta(days=60),
            ends_on=today - dt.timedelta(days=56),
            place=mission_to.name,
            partner_ids=[mission_to.id],
            sdgs=[8, 9, 17],
            purpose=f"Clean-tech and port investment. {SAMPLE}",
            outcome_text=f"Two investment announcements and three export contracts. {SAMPLE}",
            investment_amount=12_000_000,
            investment_currency="USD",
            jobs=85,
            export_deals=3,
            visibility="public",
        ),
    )
    owner = session.scalar(select(Membership.user_id).where(Membership.workspace_id == workspace.id).limit(1))
    if owner is not None:
        for task, days in (
            ("Send thank-you letters (sample)", 14),
            ("Share port study with the delegation (sample)", -3),
        ):
            create_followup(
                session,
                ctx,
                FollowUpIn(
                    task=task,
                    owner_id=owner,
                    due_on=today + dt.timedelta(days=days),
                    engagement_id=engagement.id,
                ),
            )
