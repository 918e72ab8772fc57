"""The shared challenge list: anyone signed in reads it; platform administrators change it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from citydip.accounts.models import User
from citydip.core.errors import Conflict, FieldProblem, NotFound
from citydip.core.web import CurrentUser, Db, DbRoute, require_admin
from citydip.register.challenges.models import Challenge

router = APIRouter(route_class=DbRoute, tags=["pages"])
api = APIRouter(route_class=DbRoute, tags=["challenges"])


class ChallengeIn(BaseModel):
    """A challenge of the shared list."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,39}$", description="Stable code, e.g. extreme_heat")
    label: str = Field(min_length=1, max_length=120, description="English label")
    description: str = Field("", max_length=2000, description="What it covers")
    position: int = Field(0, ge=0, le=10000, description="Order in lists")


class ChallengePatch(BaseModel):
    """Changes to a challenge (the code stays)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    label: str | None = Field(None, min_length=1, max_length=120, description="English label")
    description: str | None = Field(None, max_length=2000, description="What it covers")
    position: int | None = Field(None, ge=0, le=10000, description="Order in lists")


class ChallengeOut(ChallengeIn):
    """A challenge as the API shows it."""

    model_config = ConfigDict(from_attributes=True)


Admin = Annotated[User, Depends(require_admin)]


def _get(db: Db, code: str) -> Challenge:
    row = db.get(Challenge, code)
    if row is None:
        raise NotFound("No such challenge.")
    return row


@api.get("/register/challenges", response_model=list[ChallengeOut], summary="The shared challenge list")
def list_challenges(db: Db, user: CurrentUser) -> list[ChallengeOut]:
    rows = db.scalars(select(Challenge).order_by(Challenge.position, Challenge.code)).all()
    return [ChallengeOut.model_validate(r) for r in rows]


@api.post(
    "/register/challenges",
    response_model=ChallengeOut,
    status_code=201,
    summary="Add a challenge (administrators)",
)
def create_challenge(db: Db, user: Admin, body: ChallengeIn) -> ChallengeOut:
    if db.get(Challenge, body.code) is not None:
        raise Conflict("This code is taken.", [FieldProblem("code", f"'{body.code}' exists")])
    row = Challenge(**body.model_dump())
    db.add(row)
    db.flush()
    return ChallengeOut.model_validate(row)


@api.get("/register/challenges/{challenge_code}", response_model=ChallengeOut, summary="One challenge")
def get_challenge(db: Db, user: CurrentUser, challenge_code: str) -> ChallengeOut:
    return ChallengeOut.model_validate(_get(db, challenge_code))


@api.patch(
    "/register/challenges/{challenge_code}",
    response_model=ChallengeOut,
    summary="Change a challenge (administrators)",
)
def update_challenge(db: Db, user: Admin, challenge_code: str, body: ChallengePatch) -> ChallengeOut:
    row = _get(db, challenge_code)
    for key, value in body.model_dump(exclude_unset=True).items():
        if value is not None:
            setattr(row, key, value)
    db.flush()
    return ChallengeOut.model_validate(row)


@api.delete(
    "/register/challenges/{challenge_code}",
    status_code=204,
    summary="Delete an unused challenge (administrators)",
)
def delete_challenge(db: Db, user: Admin, challenge_code: str) -> Response:
    row = _get(db, challenge_code)
    # Links live in every workspace, beyond what the administrator's scope reads, so the database's
    # foreign keys decide: a challenge in use cannot be deleted.
    try:
        with db.begin_nested():
            db.delete(row)
            db.flush()
    except IntegrityError:
        raise Conflict(
            "The challenge is in use.", [FieldProblem("code", "linked to records; keep it")]
        ) from None
    return Response(status_code=204)
