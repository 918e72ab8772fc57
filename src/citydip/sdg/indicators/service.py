"""Staff changes to a workspace's SDG data: indicators, visibility, reporting status, observations, metadata
and local targets. Functions take ``(session, ctx, ...)``, check edit rights, only ``flush()`` and raise
``AppError``s naming the field."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, Protocol

from sqlalchemy import update
from sqlalchemy.orm import Session

from citydip.core.database import utcnow
from citydip.core.errors import Conflict, FieldProblem, ValidationFailed
from citydip.core.i18n import _
from citydip.core.tenancy import Visibility
from citydip.reference.models import SdgGoal
from citydip.reference.models import SdgIndicator as RefIndicator
from citydip.sdg.indicators import repository as repo
from citydip.sdg.indicators.models import (
    BASE_LANGUAGE,
    REPORTING_STATUSES,
    CityIndicator,
    SdgLocalTarget,
    SdgMetadata,
    SdgSite,
    SdgTranslation,
    table_of,
)
from citydip.sdg.observations.models import SdgDimension, SdgObservation, SdgSeries, SdgUnit
from citydip.sdg.opensdg.site_export import sort_order
from citydip.sdg.opensdg.values import parse_number


class EditTarget(Protocol):
    """The workspace being written: a request's ``WorkspaceContext`` or the CLI's ``CliWorkspace``."""

    @property
    def id(self) -> int:
        """Workspace id."""
        ...

    def require_edit(self) -> None:
        """Raise unless the caller may change the workspace's records."""
        ...


_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z-]{0,58}$")
_GLOBAL_CODE = re.compile(r"^(\d{1,2})-([0-9a-z]{1,2})-([0-9a-z]+)$")
#: Children that carry their indicator's visibility.
VISIBLE_CHILDREN = (SdgMetadata, SdgSeries, SdgUnit, SdgDimension, SdgObservation, SdgLocalTarget)


def invalid(field: str, message: str) -> ValidationFailed:
    """A 422 naming one field."""
    return ValidationFailed(_("Some fields are not valid."), [FieldProblem(field, message)])


def _visibility(value: str) -> Visibility:
    try:
        return Visibility(value)
    except ValueError:
        raise invalid("visibility", _("must be private, network or public")) from None


def ensure_site(session: Session, workspace_id: int, languages: list[str] | None = None) -> SdgSite:
    """The workspace's SDG settings row, created (English) when data is first entered by hand."""
    site = repo.site(session, workspace_id)
    if site is None:
        site = SdgSite(
            workspace_id=workspace_id,
            languages=languages or ["en"],
            schema=[],
            settings={"config_first": False, "reporting_status_extra_fields": []},
        )
        session.add(site)
        session.flush()
    return site


def create_indicator(
    session: Session,
    ctx: EditTarget,
    code: str,
    name: str,
    *,
    department: str = "",
    visibility: str = "private",
) -> CityIndicator:
    """A new indicator: ``1-2-1`` style ids link the UN framework; anything else is a local indicator."""
    ctx.require_edit()
    code = code.strip()
    if not _CODE.match(code):
        raise invalid("code", _("use letters, digits and dashes, e.g. 1-2-1 or city-housing-1"))
    if repo.indicator_by_code(session, ctx.id, code) is not None:
        raise Conflict(
            _("Indicator {code} exists already.", code=code), [FieldProblem("code", _("exists already"))]
        )
    name = name.strip()
    if not name:
        raise invalid("name", _("is required"))
    vis = _visibility(visibility)
    match = _GLOBAL_CODE.match(code)
    number = code.replace("-", ".") if match else code
    global_code = number if match and session.get(RefIndicator, number) is not None else None
    goal = int(match.group(1)) if match and session.get(SdgGoal, int(match.group(1))) else None
    site = ensure_site(session, ctx.id)
    if vis == Visibility.public and site.visibility != Visibility.public:
        _publish_site(session, ctx.id)
    ind = CityIndicator(
        workspace_id=ctx.id,
        code=code,
        number=number,
        kind="global" if global_code else "local",
        global_code=global_code,
        goal=goal,
        target_code=".".join(number.split(".")[:2]) if match else code,
        name=name,
        reporting_status="notstarted",
        department=department.strip()[:200],
        data_columns=None,
        config={},
        sources=[],
        import_notes=[],
        sort_key=sort_order(number)[:80],
        visibility=vis,
        meta_updated_at=utcnow(),
    )
    session.add(ind)
    session.flush()
    fields: dict[str, Any] = {"indicator_name": name, "reporting_status": "notstarted"}
    if not global_code:
        fields["standalone"] = True
    session.add(
        SdgMetadata(
            workspace_id=ctx.id, indicator_id=ind.id, language=BASE_LANGUAGE, fields=fields, visibility=vis
        )
    )
    session.flush()
    return ind


def _publish_site(session: Session, workspace_id: int) -> None:
    """Make the site settings and translations readable by the public (they hold no private data)."""
    for model in (SdgSite, SdgTranslation):
        t = table_of(model)
        session.execute(
            update(t).where(t.c.workspace_id == workspace_id).values(visibility=Visibility.public.value)
        )


def set_visibility(session: Session, ctx: EditTarget, ind: CityIndicator, visibility: str) -> None:
    """Publish or unpublish an indicator together with all of its rows."""
    ctx.require_edit()
    vis = _visibility(visibility)
    if ind.visibility == vis:
        return
    ind.visibility = vis
    session.flush()
    for model in VISIBLE_CHILDREN:
        t = table_of(model)
        session.execute(
            update(t)
            .where(t.c.workspace_id == ctx.id, t.c.indicator_id == ind.id)
            .values(visibility=vis.value)
        )
    if vis == Visibility.public:
        _publish_site(session, ctx.id)


def update_indicator(
    session: Session,
    ctx: EditTarget,
    ind: CityIndicator,
    *,
    name: str | None = None,
    department: str | None = None,
    reporting_status: str | None = None,
    visibility: str | None = None,
) -> CityIndicator:
    """Change an indicator's name, owning department, reporting status or visibility."""
    ctx.require_edit()
    meta_changes: dict[str, Any] = {}
    if name is not None:
        name = name.strip()
        if not name:
            raise invalid("name", _("is required"))
        if name != ind.name:
            ind.name = name
            meta_changes["indicator_name"] = name
    if department is not None:
        ind.department = department.strip()[:200]
    if reporting_status is not None and reporting_status != ind.reporting_status:
        if reporting_status not in REPORTING_STATUSES:
            raise invalid(
                "reporting_status", _("must be one of: {choices}", choices=", ".join(REPORTING_STATUSES))
            )
        ind.reporting_status = reporting_status
        meta_changes["reporting_status"] = reporting_status
        if "reporting_status" in (ind.config or {}):
            ind.config = {**ind.config, "reporting_status": reporting_status}
    if meta_changes:
        row = repo.metadata_row(session, ctx.id, ind.id)
        if row is None:
            row = SdgMetadata(
                workspace_id=ctx.id,
                indicator_id=ind.id,
                language=BASE_LANGUAGE,
                fields={},
                visibility=ind.visibility,
            )
            session.add(row)
        row.fields = {**(row.fields or {}), **meta_changes}
        ind.meta_updated_at = utcnow()
    session.flush()
    if visibility is not None:
        set_visibility(session, ctx, ind, visibility)
    return ind


def save_metadata(
    session: Session, ctx: EditTarget, ind: CityIndicator, language: str, fields: Mapping[str, Any]
) -> SdgMetadata:
    """Replace an indicator's metadata fields in one language (``""``: the repository's own fields)."""
    ctx.require_edit()
    site = ensure_site(session, ctx.id)
    if language and language not in (site.languages or []):
        raise invalid(
            "language", _("this site publishes only: {langs}", langs=", ".join(site.languages or []))
        )
    clean: dict[str, Any] = {}
    for key, value in fields.items():
        key = str(key).strip()
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_.-]{0,99}$", key):
            raise invalid("fields", _("'{key}' is not a valid field name", key=key[:60]))
        if isinstance(value, float) and not math.isfinite(value):
            raise invalid(key, _("must be a finite number"))
        clean[key] = value
    row = repo.metadata_row(session, ctx.id, ind.id, language)
    if row is None:
        row = SdgMetadata(
            workspace_id=ctx.id, indicator_id=ind.id, language=language, fields={}, visibility=ind.visibility
        )
        session.add(row)
    row.fields = clean
    if language == BASE_LANGUAGE:
        name = clean.get("indicator_name")
        if isinstance(name, str) and name.strip():
            ind.name = name.strip()
        status = clean.get("reporting_status")
        if isinstance(status, str) and status in REPORTING_STATUSES:
            ind.reporting_status = status
    ind.meta_updated_at = utcnow()
    session.flush()
    return row


def text_field(data: Mapping[str, Any], key: str, limit: int = 500) -> str | None:
    """A form or JSON field as stripped text (None when empty); a 422 when longer than ``limit``."""
    value = data.get(key)
    if value is None:
        return None
    text = str(value).strip()
    if len(text) > limit:
        raise invalid(key, _("is longer than {n} characters", n=limit))
    return text or None


# --- local targets --------------------------------------------------------------------------------------


def add_local_target(
    session: Session, ctx: EditTarget, ind: CityIndicator, data: Mapping[str, Any]
) -> SdgLocalTarget:
    """A city's own target for the indicator: reworded text and/or a value to reach by a year."""
    ctx.require_edit()
    text = text_field(data, "text", 2000) or ""
    raw_value = text_field(data, "value", 64)
    value = parse_number(raw_value) if raw_value else None
    if raw_value and value is None:
        raise invalid("value", _("must be a number"))
    raw_year = text_field(data, "year", 4)
    year = int(raw_year) if raw_year and raw_year.isdigit() else None
    if raw_year and (year is None or not 1900 <= year <= 2200):
        raise invalid("year", _("must be a year such as 2030"))
    if not text and value is None:
        raise invalid("text", _("give the target's wording, a value, or both"))
    language = text_field(data, "language", 16) or BASE_LANGUAGE
    target = SdgLocalTarget(
        workspace_id=ctx.id,
        indicator_id=ind.id,
        target_code=ind.target_code,
        language=language,
        text=text,
        value=value,
        year=year,
        series=text_field(data, "series"),
        unit=text_field(data, "unit"),
        source="staff",
        visibility=ind.visibility,
    )
    session.add(target)
    session.flush()
    return target


def delete_local_target(session: Session, ctx: EditTarget, target: SdgLocalTarget) -> None:
    """Remove a local target."""
    ctx.require_edit()
    session.delete(target)
    session.flush()
