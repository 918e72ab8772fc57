"""Every query of practices. Lists start from the current workspace; shared practices of other workspaces are
read only through ``visible_criteria`` (own workspace, public, or network-shared by a network peer)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    Table,
    and_,
    bindparam,
    column,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from citydip.core.listing import Filter, ListSpec
from citydip.core.tenancy import Visibility
from citydip.practices.models import Practice, PracticeAttachment, PracticePerson
from citydip.practices.vocab import LANGUAGES
from citydip.reference.models import City, Country
from citydip.register.partners.models import Person
from citydip.workspaces.models import Workspace

PRACTICE_LIST = ListSpec(
    filters=(
        Filter(
            "visibility", "Visibility", Practice.visibility, choices=[(v.value, v.value) for v in Visibility]
        ),
        Filter("language", "Language", Practice.language, choices=[(c, c) for c, _ in LANGUAGES]),
        Filter("country", "Country (ISO code)", Practice.country_code),
        Filter("sample", "Sample records only", Practice.is_sample, type="bool"),
    ),
    sorts={
        "title": Practice.title,
        "updated": Practice.updated_at,
        "created": Practice.created_at,
        "city": Practice.city_name,
    },
    default_sort="-updated",
    search_columns=(Practice.title, Practice.city_name, Practice.summary),
    per_page=25,
)


def visible_criteria(workspace_id: int, network_workspaces: Iterable[int]) -> ColumnElement[bool]:
    """Practices a workspace may read: its own, public ones, and network-shared ones of its network peers."""
    peers = sorted(set(network_workspaces) - {workspace_id})
    clauses: list[ColumnElement[bool]] = [
        Practice.workspace_id == workspace_id,
        Practice.visibility == Visibility.public.value,
    ]
    if peers:
        clauses.append(
            and_(Practice.visibility == Visibility.network.value, Practice.workspace_id.in_(peers))
        )
    return or_(*clauses)


def own_practices(workspace_id: int) -> Select[Any]:
    """The statement listing one workspace's practices (for ``paginate``)."""
    return select(Practice).where(Practice.workspace_id == workspace_id)


def published_practices(workspace_id: int) -> Select[Any]:
    """The statement listing one workspace's public practices (its public pages, for ``paginate``)."""
    return select(Practice).where(
        Practice.workspace_id == workspace_id, Practice.visibility == Visibility.public.value
    )


def practice_on_public_site(session: Session, workspace_id: int, practice_id: uuid.UUID) -> Practice | None:
    """A practice of a workspace as its public site may show it: the session's tenancy scope decides, so an
    anonymous visitor reads public practices only and the workspace's members also their unpublished ones."""
    return session.scalars(
        select(Practice).where(Practice.workspace_id == workspace_id, Practice.id == practice_id)
    ).first()


def own_practice(session: Session, workspace_id: int, practice_id: uuid.UUID) -> Practice | None:
    """One of the workspace's own practices."""
    return session.scalar(
        select(Practice).where(Practice.workspace_id == workspace_id, Practice.id == practice_id)
    )


def visible_practice(
    session: Session, workspace_id: int, network_workspaces: Iterable[int], practice_id: uuid.UUID
) -> Practice | None:
    """A practice the workspace may read (own or shared with it)."""
    return session.scalar(
        select(Practice).where(Practice.id == practice_id, visible_criteria(workspace_id, network_workspaces))
    )


def visible_by_search_keys(
    session: Session, workspace_id: int, network_workspaces: Iterable[int], keys: Sequence[int]
) -> dict[int, Practice]:
    """Visible practices by search key (hits of the search index mapped back to rows)."""
    if not keys:
        return {}
    rows = session.scalars(
        select(Practice).where(
            Practice.search_key.in_(list(keys)), visible_criteria(workspace_id, network_workspaces)
        )
    ).all()
    return {p.search_key: p for p in rows}


def recent_visible_in(
    session: Session, workspace_id: int, network_workspaces: Iterable[int], owners: Iterable[int], limit: int
) -> Sequence[Practice]:
    """The most recently changed visible practices of some workspaces."""
    return session.scalars(
        select(Practice)
        .where(
            Practice.workspace_id.in_(sorted(set(owners))), visible_criteria(workspace_id, network_workspaces)
        )
        .order_by(Practice.updated_at.desc())
        .limit(limit)
    ).all()


def _attachments_of_visible(
    workspace_id: int, network_workspaces: Iterable[int], practice_id: uuid.UUID
) -> Select[Any]:
    return (
        select(PracticeAttachment)
        .join(
            Practice,
            (Practice.workspace_id == PracticeAttachment.workspace_id)
            & (Practice.id == PracticeAttachment.practice_id),
        )
        .where(
            PracticeAttachment.practice_id == practice_id, visible_criteria(workspace_id, network_workspaces)
        )
    )


def visible_attachments(
    session: Session, workspace_id: int, network_workspaces: Iterable[int], practice_id: uuid.UUID
) -> Sequence[PracticeAttachment]:
    """The attachments of a practice the workspace may read, oldest first."""
    stmt = _attachments_of_visible(workspace_id, network_workspaces, practice_id)
    return session.scalars(stmt.order_by(PracticeAttachment.uploaded_at, PracticeAttachment.id)).all()


def visible_attachment(
    session: Session,
    workspace_id: int,
    network_workspaces: Iterable[int],
    practice_id: uuid.UUID,
    attachment_id: uuid.UUID,
) -> PracticeAttachment | None:
    """One attachment of a practice the workspace may read."""
    stmt = _attachments_of_visible(workspace_id, network_workspaces, practice_id)
    found: PracticeAttachment | None = session.scalar(stmt.where(PracticeAttachment.id == attachment_id))
    return found


def own_attachments(
    session: Session, workspace_id: int, practice_id: uuid.UUID
) -> Sequence[PracticeAttachment]:
    """The attachments of one of the workspace's own practices."""
    return session.scalars(
        select(PracticeAttachment).where(
            PracticeAttachment.workspace_id == workspace_id, PracticeAttachment.practice_id == practice_id
        )
    ).all()


def own_attachment(
    session: Session, workspace_id: int, practice_id: uuid.UUID, attachment_id: uuid.UUID
) -> PracticeAttachment | None:
    """One attachment of one of the workspace's own practices."""
    found: PracticeAttachment | None = session.scalar(
        select(PracticeAttachment).where(
            PracticeAttachment.workspace_id == workspace_id,
            PracticeAttachment.practice_id == practice_id,
            PracticeAttachment.id == attachment_id,
        )
    )
    return found


def set_attachment_visibility(
    session: Session, workspace_id: int, changes: Sequence[tuple[uuid.UUID, str]]
) -> None:
    """Give the attachments of some practices their practice's new visibility (bulk, for imports)."""
    if not changes:
        return
    table = cast(Table, PracticeAttachment.__table__)
    stmt = (
        update(table)
        .where(table.c.workspace_id == bindparam("b_ws"), table.c.practice_id == bindparam("b_practice"))
        .values(visibility=bindparam("b_visibility"))
    )
    session.execute(
        stmt,
        [{"b_ws": workspace_id, "b_practice": pid, "b_visibility": vis} for pid, vis in changes],
        execution_options={"synchronize_session": False},
    )


def people_choices(session: Session, workspace_id: int) -> list[tuple[str, str]]:
    """(id, "Name (email)") of the workspace's register people, by name."""
    rows = session.execute(
        select(Person.id, Person.name, Person.email)
        .where(Person.workspace_id == workspace_id)
        .order_by(Person.name)
    )
    return [(str(r[0]), f"{r[1]} ({r[2]})" if r[2] else r[1]) for r in rows]


def existing_people(session: Session, workspace_id: int, ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these ids are people of the workspace's register."""
    wanted = list(set(ids))
    if not wanted:
        return set()
    return set(
        session.scalars(select(Person.id).where(Person.workspace_id == workspace_id, Person.id.in_(wanted)))
    )


def linked_people(session: Session, workspace_id: int, practice_id: uuid.UUID) -> Sequence[Person]:
    """The register people linked to a practice, by name."""
    return session.scalars(
        select(Person)
        .join(
            PracticePerson,
            (PracticePerson.workspace_id == Person.workspace_id) & (PracticePerson.person_id == Person.id),
        )
        .where(PracticePerson.workspace_id == workspace_id, PracticePerson.practice_id == practice_id)
        .order_by(Person.name)
    ).all()


def person_links(session: Session, workspace_id: int, practice_id: uuid.UUID) -> Sequence[PracticePerson]:
    """The link rows of a practice."""
    return session.scalars(
        select(PracticePerson).where(
            PracticePerson.workspace_id == workspace_id, PracticePerson.practice_id == practice_id
        )
    ).all()


def by_external_ids(session: Session, workspace_id: int) -> dict[str, Practice]:
    """The workspace's practices that carry an external id, by that id (for re-imports)."""
    rows = session.scalars(
        select(Practice).where(Practice.workspace_id == workspace_id, Practice.external_id.is_not(None))
    ).all()
    return {p.external_id: p for p in rows if p.external_id}


def external_id_taken(
    session: Session, workspace_id: int, external_id: str, except_id: uuid.UUID | None = None
) -> bool:
    """Whether another practice of the workspace has this external id."""
    stmt = select(Practice.id).where(
        Practice.workspace_id == workspace_id, Practice.external_id == external_id
    )
    if except_id is not None:
        stmt = stmt.where(Practice.id != except_id)
    return session.scalar(stmt.limit(1)) is not None


def workspace_practices(session: Session, workspace_id: int | None = None) -> Sequence[Practice]:
    """All practices of one workspace (or of every workspace the session may read), for re-indexing."""
    stmt = select(Practice).order_by(Practice.workspace_id, Practice.id)
    if workspace_id is not None:
        stmt = stmt.where(Practice.workspace_id == workspace_id)
    return session.scalars(stmt).all()


def count_own(session: Session, workspace_id: int) -> int:
    """How many practices a workspace has."""
    return int(
        session.scalar(
            select(func.count()).select_from(Practice).where(Practice.workspace_id == workspace_id)
        )
        or 0
    )


def recent_own(session: Session, workspace_id: int, limit: int = 5) -> Sequence[Practice]:
    """The workspace's most recently changed practices."""
    return session.scalars(
        own_practices(workspace_id).order_by(Practice.updated_at.desc()).limit(limit)
    ).all()


def workspace_slugs(session: Session, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """{workspace id: (slug, name)}."""
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = session.execute(
        select(Workspace.id, Workspace.slug, Workspace.name).where(Workspace.id.in_(wanted))
    )
    return {r[0]: (r[1], r[2]) for r in rows}


def country_regions(session: Session) -> dict[str, str]:
    """{ISO alpha-2: UN M49 sub-region} for every country."""
    rows = session.execute(select(Country.alpha2, Country.subregion, Country.region))
    return {r[0]: (r[1] or r[2] or "") for r in rows}


def countries(session: Session) -> list[tuple[str, str]]:
    """(alpha-2, name) of every country, by name."""
    return [
        (r[0], r[1]) for r in session.execute(select(Country.alpha2, Country.name).order_by(Country.name))
    ]


def regions(session: Session) -> list[str]:
    """The UN M49 sub-regions, sorted."""
    rows = session.scalars(select(Country.subregion).where(Country.subregion != "").distinct())
    return sorted(set(rows))


def city(session: Session, geonames_id: int) -> City | None:
    """A reference city."""
    return session.get(City, geonames_id)


def browse_visible(
    session: Session,
    workspace_id: int,
    network_workspaces: Iterable[int],
    facets: tuple[str, list[Any]] | None,
    *,
    by_title: bool,
    offset: int,
    limit: int,
) -> tuple[Sequence[Practice], int]:
    """One page of the visible practices whose index facets match, and how many match in all.

    ``facets`` is the search index's facet subquery (SQL with ``?`` placeholders and its values) selecting
    search keys, so browsing and searching filter alike.
    """
    where: list[ColumnElement[bool]] = [visible_criteria(workspace_id, network_workspaces)]
    if facets is not None:
        sql, values = facets
        names = iter(range(len(values)))
        named = re.sub(r"\?", lambda _m: f":f{next(names)}", sql)
        keys = text(named).bindparams(**{f"f{i}": v for i, v in enumerate(values)})
        where.append(Practice.search_key.in_(keys.columns(column("doc_id", BigInteger))))
    total = int(session.scalar(select(func.count()).select_from(Practice).where(*where)) or 0)
    order = (
        [func.lower(Practice.title), Practice.id] if by_title else [Practice.updated_at.desc(), Practice.id]
    )
    rows = session.scalars(select(Practice).where(*where).order_by(*order).offset(offset).limit(limit)).all()
    return rows, total


def visible_cities(
    session: Session, workspace_id: int, network_workspaces: Iterable[int], limit: int = 1000
) -> list[str]:
    """Distinct city names of the practices a workspace may see, alphabetically."""
    rows = session.scalars(
        select(Practice.city_name)
        .where(visible_criteria(workspace_id, network_workspaces), Practice.city_name != "")
        .distinct()
        .order_by(Practice.city_name)
        .limit(limit)
    )
    return [str(r) for r in rows]
