"""Path parameters of the ties domain for the generated isolation test.

``tie_id`` is a public reference tie (adopting it also needs ``{ws}``, which guards the workspace).
``review_id`` is a row of the administrators' review queue: only platform administrators may act on it, so a
member of another workspace gets 404 and an anonymous visitor is asked to sign in (the "user" kind); the row
carries the private marker so a leak would show.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from support.isolation import MARKER, Param, World

LOS_ANGELES, GUANGZHOU = 5368361, 1809858


def _tie(s: Session, w: World) -> str:
    from citydip.ties.models import Tie

    tie = Tie(city_a_id=GUANGZHOU, city_b_id=LOS_ANGELES, source="wikipedia", licence="CC-BY-SA-4.0")
    s.add(tie)
    s.flush()
    return str(tie.id)


def _review(s: Session, w: World) -> str:
    from citydip.ties.models import TieReview

    row = TieReview(
        kind="tie",
        source="wikipedia",
        licence="CC-BY-SA-4.0",
        row_key="isolation",
        status="unresolved",
        problem=f"{MARKER} is not a reference city",
        a_name=f"{MARKER} town",
        a_country="France",
        a_status="unresolved",
        b_name="Los Angeles",
        b_country="United States",
        b_status="resolved",
        b_city_id=LOS_ANGELES,
    )
    s.add(row)
    s.flush()
    return str(row.id)


PARAMS = {
    "tie_id": Param(_tie, "public"),
    "review_id": Param(_review, "user"),
}
