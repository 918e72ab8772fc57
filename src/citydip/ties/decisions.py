"""An administrator settles review rows: picks the city a name (or Wikidata id) means, or dismisses the row.

A pick is remembered as a ``CityAlias`` so every open row naming the same place is settled at once and later
imports resolve it by themselves; a Wikidata id is also stored on the city when no city has it yet. A row
whose places are all settled becomes a tie or a membership.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import insert
from sqlalchemy.orm import Session

from citydip.audit.recorder import record
from citydip.core.database import utcnow
from citydip.core.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from citydip.reference import repository as ref_repo
from citydip.reference.models import City
from citydip.ties import repository as repo
from citydip.ties.models import CityAlias, NetworkMembership, Tie, TieReview
from citydip.ties.placenames import alias_key_for_name, alias_key_for_qid, parse_country
from citydip.ties.resolution import Status

Side = Literal["a", "b"]


@dataclass
class Decision:
    """What one decision settled."""

    review_id: int
    city_id: int | None
    rows_settled: int = 0
    ties_created: int = 0
    memberships_created: int = 0
    wikidata_id_stored: bool = False


def _open_review(session: Session, review_id: int) -> TieReview:
    review = repo.review(session, review_id)
    if review is None:
        raise NotFound("No such review row.")
    if review.status not in repo.OPEN_STATUSES:
        raise Conflict(f"This row is already {review.status}.")
    return review


def _alias_key(review: TieReview, side: Side) -> str:
    qid = getattr(review, f"{side}_qid")
    if qid:
        return alias_key_for_qid(qid)
    country = getattr(review, f"{side}_country")
    codes = parse_country(country).codes
    return alias_key_for_name(getattr(review, f"{side}_name"), codes[0] if codes else "")


def _remember(session: Session, key: str, city: City, label: str, actor: str) -> None:
    existing = repo.alias(session, key)
    if existing is None:
        session.add(
            CityAlias(key=key[:400], city_id=city.geonames_id, label=label[:300], decided_by=actor[:254])
        )
    elif existing.city_id != city.geonames_id:
        existing.city_id = city.geonames_id
        existing.decided_by = actor[:254]


def _settle(session: Session, review: TieReview, actor: str, result: Decision) -> None:
    """Turn a row whose places are all known into a tie or a membership."""
    if review.kind == "tie":
        if review.a_city_id is None or review.b_city_id is None:
            return  # the other side still waits for a decision
        if review.a_city_id == review.b_city_id:
            review.status = Status.ambiguous.value
            review.problem = "both sides are now the same city; pick again"
            return
        if repo.tie_between(session, review.source, review.a_city_id, review.b_city_id) is None:
            lo, hi = sorted((review.a_city_id, review.b_city_id))
            reference = f"{review.a_qid or review.a_name} – {review.b_qid or review.b_name}"
            session.execute(
                insert(Tie),
                [
                    {
                        "city_a_id": lo,
                        "city_b_id": hi,
                        "source": review.source,
                        "licence": review.licence,
                        "dataset": review.dataset,
                        "reference": reference[:300],
                        "imported_at": utcnow(),
                    }
                ],
            )
            result.ties_created += 1
    else:
        if review.a_city_id is None:
            return
        d = review.details or {}
        key = (
            str(d.get("network", "")),
            str(d.get("member") or review.a_name),
            str(d.get("country_code", "")),
        )
        if repo.membership(session, review.source, *key) is not None:
            review.status = Status.resolved.value
            review.decided_by = actor[:254]
            result.rows_settled += 1
            return
        session.execute(
            insert(NetworkMembership),
            [
                {
                    "city_id": review.a_city_id,
                    "network": str(d.get("network", ""))[:200],
                    "network_code": str(d.get("network_code", ""))[:40],
                    "member": str(d.get("member") or review.a_name)[:300],
                    "country_code": str(d.get("country_code", ""))[:2],
                    "year_joined": d.get("year"),
                    "period": str(d.get("period", ""))[:100],
                    "member_status": str(d.get("member_status", ""))[:100],
                    "source": review.source,
                    "licence": review.licence,
                    "dataset": review.dataset,
                    "imported_at": utcnow(),
                }
            ],
        )
        result.memberships_created += 1
    review.status = Status.resolved.value
    review.decided_by = actor[:254]
    review.updated_at = utcnow()
    result.rows_settled += 1


def pick_city(session: Session, review_id: int, side: str, geonames_id: int, actor: str) -> Decision:
    """Say which reference city one side of a review row is; settles every open row naming that place."""
    review = _open_review(session, review_id)
    if side not in ("a", "b") or (side == "b" and review.kind != "tie"):
        allowed = "a or b" if review.kind == "tie" else "a"
        raise ValidationFailed("Unknown side.", [FieldProblem("side", f"must be {allowed}")])
    city = ref_repo.city(session, geonames_id)
    if city is None:
        raise ValidationFailed(
            "No such reference city.", [FieldProblem("geonames_id", f"{geonames_id} is not a reference city")]
        )
    s: Side = "a" if side == "a" else "b"
    qid: str = getattr(review, f"{s}_qid")
    name: str = getattr(review, f"{s}_name")
    country: str = getattr(review, f"{s}_country")
    result = Decision(review_id, city.geonames_id)
    _remember(session, _alias_key(review, s), city, name or qid, actor)
    if qid and city.wikidata_id is None and repo.city_with_qid(session, qid) is None:
        city.wikidata_id = qid
        result.wikidata_id_stored = True
    rows = list(repo.open_reviews_naming(session, qid=qid, name=name, country=country))
    if review not in rows:
        rows.append(review)
    for row in rows:
        for x in ("a", "b"):
            same = (qid and getattr(row, f"{x}_qid") == qid) or (
                not qid
                and getattr(row, f"{x}_name") == name
                and getattr(row, f"{x}_country") == country
                and not getattr(row, f"{x}_qid")
            )
            if (row is review and x == s) or (same and getattr(row, f"{x}_city_id") is None):
                setattr(row, f"{x}_city_id", city.geonames_id)
                setattr(row, f"{x}_status", Status.resolved.value)
        if row.a_city_id is not None and (row.kind != "tie" or row.b_city_id is not None):
            _settle(session, row, actor, result)
    session.flush()
    record(
        session,
        action="update",
        entity="ref_tie_reviews",
        entity_id=str(review_id),
        workspace_id=None,
        summary=f"{name or qid} is {city.label}: {result.rows_settled} row(s) settled",
        after={
            "side": s,
            "geonames_id": city.geonames_id,
            "rows_settled": result.rows_settled,
            "ties_created": result.ties_created,
            "memberships_created": result.memberships_created,
            "wikidata_id_stored": result.wikidata_id_stored,
        },
    )
    return result


def dismiss(session: Session, review_id: int, actor: str) -> TieReview:
    """Mark a row as not a city pair (a region, an organisation, a typo) so it leaves the queue."""
    review = _open_review(session, review_id)
    before = review.status
    review.status = "dismissed"
    review.decided_by = actor[:254]
    review.updated_at = utcnow()
    session.flush()
    record(
        session,
        action="update",
        entity="ref_tie_reviews",
        entity_id=str(review_id),
        workspace_id=None,
        summary=f"dismissed {review.a_name or review.a_qid}"
        + (f" – {review.b_name or review.b_qid}" if review.b_name or review.b_qid else ""),
        before={"status": before},
        after={"status": "dismissed"},
    )
    return review
