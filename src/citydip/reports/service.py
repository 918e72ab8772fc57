"""Reports: save the VLR's text blocks, write and store VLR drafts."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session

from citydip.core.context import WorkspaceContext
from citydip.core.errors import FieldProblem, ValidationFailed
from citydip.core.i18n import _
from citydip.reports import repository as repo
from citydip.reports.builder import VlrDocument, build
from citydip.reports.models import VlrDraft, VlrText
from citydip.reports.texts import BLOCKS, MAX_BODY

MIN_YEAR, MAX_YEAR = 2015, 2100


def parse_year(text: str | int | None) -> int:
    """A report year between 2015 and 2100, or a ValidationFailed naming the field."""
    try:
        year = int(str(text).strip())
    except ValueError:
        year = 0
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed(
            _("The review was not written."), [FieldProblem("year", _("enter a year between 2015 and 2100"))]
        )
    return year


def save_texts(session: Session, ctx: WorkspaceContext, values: Mapping[str, str]) -> None:
    """Save the text blocks given in ``values`` (key -> text); other blocks stay as they are (editors)."""
    ctx.require_edit()
    problems = [
        FieldProblem(b.key, _("use at most {n} characters", n=MAX_BODY))
        for b in BLOCKS
        if len(values.get(b.key, "") or "") > MAX_BODY
    ]
    if problems:
        raise ValidationFailed(_("The texts were not saved."), problems)
    saved = repo.texts(session, ctx.id)
    for block in BLOCKS:
        if block.key not in values:
            continue
        body = (values[block.key] or "").replace("\r\n", "\n").strip()
        row = saved.get(block.key)
        if row is None:
            if not body:
                continue
            row = VlrText(workspace_id=ctx.id, key=block.key, title=block.title)
            session.add(row)
        row.body = body
        row.updated_by = ctx.principal.label[:200]
    session.flush()


def write_vlr(session: Session, ctx: WorkspaceContext, year: int) -> VlrDocument:
    """Write the review for a workspace and year (HTML and PDF), without storing it."""
    return build(session, ctx, parse_year(year))


def create_draft(session: Session, ctx: WorkspaceContext, year: int) -> VlrDraft:
    """Write the review and keep it as a draft of the workspace (editors)."""
    ctx.require_edit()
    document = write_vlr(session, ctx, year)
    draft = VlrDraft(
        workspace_id=ctx.id,
        year=year,
        title=document.title[:300],
        html=document.html,
        pdf=document.pdf,
        pages=document.pages,
        seconds=document.seconds,
        summary=document.summary,
        created_by=ctx.principal.label[:200],
    )
    session.add(draft)
    session.flush()
    return draft


def delete_draft(session: Session, ctx: WorkspaceContext, draft: VlrDraft) -> None:
    """Delete a stored draft (editors)."""
    ctx.require_edit()
    session.delete(draft)
    session.flush()
