"""Path parameters of the diplomacy register: each maker creates a PRIVATE alpha record holding MARKER."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from support.isolation import MARKER, Param, World


def _ctx(s: Session, w: World):
    from citydip.core.context import WorkspaceContext
    from citydip.workspaces.repository import workspace_by_slug

    ws = workspace_by_slug(s, w.alpha_slug)
    assert ws is not None
    return WorkspaceContext.for_operator(ws)


def _partner(s: Session, w: World) -> str:
    from citydip.register.partners.schemas import PartnerIn
    from citydip.register.partners.service import create_partner

    p = create_partner(
        s, _ctx(s, w), PartnerIn(kind="city", name=f"{MARKER} Guangzhou", city="Guangzhou, CN", notes=MARKER)
    )
    return str(p.id)


def _person(s: Session, w: World) -> str:
    import uuid

    from citydip.register.partners.schemas import PersonIn
    from citydip.register.partners.service import create_person

    p = create_person(
        s, _ctx(s, w), PersonIn(partner_id=uuid.UUID(w.values["partner_id"]), name=f"{MARKER} Wen")
    )
    return str(p.id)


def _agreement(s: Session, w: World) -> str:
    import uuid

    from citydip.register.agreements.schemas import AgreementIn
    from citydip.register.agreements.service import create_agreement

    a = create_agreement(
        s,
        _ctx(s, w),
        AgreementIn(
            kind="sister_city", title=f"{MARKER} sister cities", party_ids=[uuid.UUID(w.values["partner_id"])]
        ),
    )
    return str(a.id)


def _document(s: Session, w: World) -> str:
    import uuid

    from citydip.register.agreements.models import AgreementDocument

    # The file itself lives in the app's data directory, which makers do not know; the route answers 410 to
    # the owner for a missing file and 404 to everyone else, which is what the walk checks.
    doc = AgreementDocument(
        workspace_id=_ctx(s, w).id,
        agreement_id=uuid.UUID(w.values["agreement_id"]),
        filename=f"{MARKER}.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        storage_key=uuid.uuid4().hex,
        uploaded_by=MARKER,
    )
    s.add(doc)
    s.flush()
    return str(doc.id)


def _engagement(s: Session, w: World) -> str:
    import uuid

    from citydip.register.engagements.schemas import EngagementIn, GiftIn, ParticipantIn
    from citydip.register.engagements.service import create_engagement

    e = create_engagement(
        s,
        _ctx(s, w),
        EngagementIn(
            kind="incoming_delegation",
            title=f"{MARKER} delegation",
            starts_on=dt.date.today(),
            partner_ids=[uuid.UUID(w.values["partner_id"])],
            purpose=MARKER,
            participants=[ParticipantIn(side="theirs", name=f"{MARKER} guest")],
            gifts=[GiftIn(direction="received", description=f"{MARKER} vase", estimated_value=10)],
        ),
    )
    return str(e.id)


def _participant(s: Session, w: World) -> str:
    import uuid

    from citydip.register.engagements.repository import participants_of

    ctx = _ctx(s, w)
    return str(participants_of(s, ctx.id, uuid.UUID(w.values["engagement_id"]))[0].id)


def _gift(s: Session, w: World) -> str:
    import uuid

    from citydip.register.engagements.repository import gifts_of

    ctx = _ctx(s, w)
    return str(gifts_of(s, ctx.id, uuid.UUID(w.values["engagement_id"]))[0].id)


def _followup(s: Session, w: World) -> str:
    import uuid

    from citydip.register.followups.schemas import FollowUpIn
    from citydip.register.followups.service import create_followup

    f = create_followup(
        s,
        _ctx(s, w),
        FollowUpIn(
            task=f"{MARKER} thank-you letter",
            owner_id=w.alpha_owner_id,
            due_on=dt.date.today(),
            engagement_id=uuid.UUID(w.values["engagement_id"]),
        ),
    )
    return str(f.id)


def _feed(s: Session, w: World) -> str:
    from citydip.register.calendar.service import create_feed

    token, feed = create_feed(s, _ctx(s, w), f"{MARKER} feed")
    w.extra["feed_token"] = token
    return str(feed.id)


PARAMS: dict[str, Param] = {
    "partner_id": Param(_partner, "workspace"),
    "person_id": Param(_person, "workspace"),
    "agreement_id": Param(_agreement, "workspace"),
    "document_id": Param(_document, "workspace"),
    "engagement_id": Param(_engagement, "workspace"),
    "participant_id": Param(_participant, "workspace"),
    "gift_id": Param(_gift, "workspace"),
    "followup_id": Param(_followup, "workspace"),
    "feed_id": Param(_feed, "workspace"),
    # A kind of record (partners, people...) inside a workspace URL: the workspace guards it.
    "record_kind": Param(lambda s, w: "partners", "workspace"),
    # The secret calendar address is itself the credential (like a bearer token): whoever holds it reads
    # that workspace's engagements, so it is not "private to members"; tests/register/test_calendar.py
    # proves unknown and revoked tokens get 404 and that a feed shows only its own workspace.
    "feed_token": Param(lambda s, w: w.extra["feed_token"], "public"),
    # The shared challenge list is the same for every workspace; only administrators change it.
    "challenge_code": Param(lambda s, w: "epidemics", "public"),
}
