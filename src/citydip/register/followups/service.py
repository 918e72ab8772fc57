"""Follow-ups: create, update, delete; owners must be members of the workspace."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from citydip.accounts import repository as accounts_repo
from citydip.core.context import WorkspaceContext
from citydip.core.database import utcnow
from citydip.core.errors import FieldProblem, ValidationFailed
from citydip.register.agreements import repository as agreements_repo
from citydip.register.common import check_choice
from citydip.register.engagements import repository as engagements_repo
from citydip.register.followups.models import FollowUp
from citydip.register.followups.schemas import FollowUpIn, FollowUpPatch
from citydip.register.partners import repository as partners_repo
from citydip.register.vocab import FOLLOWUP_STATUSES, OPEN_FOLLOWUP_STATUSES


def _owner(session: Session, ctx: WorkspaceContext, owner_id: int | None, email: str | None) -> int:
    user = None
    if owner_id is not None:
        user = accounts_repo.user_by_id(session, owner_id)
    elif email:
        user = accounts_repo.user_by_email(session, email.strip().lower())
    else:
        raise ValidationFailed(
            "A follow-up needs an owner.", [FieldProblem("owner_id", "choose who will do it")]
        )
    if user is None or accounts_repo.membership(session, user.id, ctx.id) is None:
        raise ValidationFailed(
            "The owner must be a member of this workspace.",
            [FieldProblem("owner_id", "not a member of this workspace")],
        )
    return user.id


def _apply(session: Session, ctx: WorkspaceContext, row: FollowUp, values: dict[str, Any]) -> None:
    problems = []
    for key in ("task", "notes"):
        if values.get(key) is not None:
            setattr(row, key, values[key])
    if "due_on" in values:
        if values["due_on"] is None:
            problems.append(FieldProblem("due_on", "a due date is required"))
        else:
            row.due_on = values["due_on"]
    if problems:
        raise ValidationFailed("A follow-up needs a due date.", problems)
    if "owner_id" in values or "owner_email" in values:
        row.owner_id = _owner(session, ctx, values.get("owner_id"), values.get("owner_email"))
    if values.get("status") is not None:
        row.status = check_choice(values["status"], FOLLOWUP_STATUSES, "status")
        row.completed_at = None if row.status in OPEN_FOLLOWUP_STATUSES else (row.completed_at or utcnow())
    lookups = (
        ("engagement_id", engagements_repo.engagement),
        ("agreement_id", agreements_repo.agreement),
        ("partner_id", partners_repo.partner),
    )
    for key, find in lookups:
        if key in values:
            if values[key] is not None and find(session, ctx.id, values[key]) is None:
                raise ValidationFailed("Unknown link.", [FieldProblem(key, "not recorded in this workspace")])
            setattr(row, key, values[key])


def create_followup(session: Session, ctx: WorkspaceContext, data: FollowUpIn) -> FollowUp:
    """Record a follow-up (owner and due date required)."""
    ctx.require_edit()
    problems = []
    if data.owner_id is None and not data.owner_email:
        problems.append(FieldProblem("owner_id", "choose who will do it"))
    if data.due_on is None:
        problems.append(FieldProblem("due_on", "a due date is required"))
    if problems:
        raise ValidationFailed("A follow-up needs an owner and a due date.", problems)
    row = FollowUp(workspace_id=ctx.id, task=data.task, status="open")
    with session.no_autoflush:
        values = data.model_dump()
        if data.partner_id is None and data.engagement_id is not None:
            engagement = engagements_repo.engagement(session, ctx.id, data.engagement_id)
            links = engagements_repo.links_for(session, ctx.id, [data.engagement_id]) if engagement else {}
            first = links.get(data.engagement_id, {}).get("partner_ids", [])
            values["partner_id"] = first[0] if first else None
        _apply(session, ctx, row, values)
    session.add(row)
    session.flush()
    return row


def update_followup(session: Session, ctx: WorkspaceContext, row: FollowUp, data: FollowUpPatch) -> FollowUp:
    """Change the fields sent."""
    ctx.require_edit()
    values = data.model_dump(exclude_unset=True)
    if "owner_id" in values and values["owner_id"] is None and not values.get("owner_email"):
        raise ValidationFailed(
            "A follow-up needs an owner.", [FieldProblem("owner_id", "choose who will do it")]
        )
    with session.no_autoflush:
        _apply(session, ctx, row, values)
    session.flush()
    return row


def delete_followup(session: Session, ctx: WorkspaceContext, row: FollowUp) -> None:
    """Delete a follow-up."""
    ctx.require_edit()
    session.delete(row)
    session.flush()
