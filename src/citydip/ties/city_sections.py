"""Sections of the reference city page: the city's public twins and its network memberships."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from citydip.core.context import WorkspaceRecord
from citydip.core.i18n import _
from citydip.core.tenancy import get_scope
from citydip.reference.models import City
from citydip.ties import repository as repo
from citydip.ties.models import NetworkMembership
from citydip.ties.repository import Twin

LICENCE_LABELS = {"CC0-1.0": "CC0", "CC-BY-SA-4.0": "CC BY-SA 4.0"}
SOURCE_LABELS = {"wikidata": "Wikidata", "wikipedia": "Wikipedia", "etmun": "ETMUN"}


@dataclass
class TwinsSection:
    """ "Who else is twinned with this city", with sources and, for editors, an adopt button."""

    title: str
    template: str
    city: City
    twins: list[Twin]
    adopters: Sequence[WorkspaceRecord] = ()

    def adopters_for(self, twin: Twin) -> list[WorkspaceRecord]:
        """The caller's editable workspaces whose city is one side of this pair."""
        return [w for w in self.adopters if w.city_id in (self.city.geonames_id, twin.city.geonames_id)]

    @staticmethod
    def source_label(source: str) -> str:
        """A source's display name."""
        return SOURCE_LABELS.get(source, source)

    @staticmethod
    def licence_label(licence: str) -> str:
        """A licence's display name."""
        return LICENCE_LABELS.get(licence, licence)


@dataclass
class NetworksSection:
    """The city's memberships of city networks, with the year joined."""

    title: str
    template: str
    city: City
    memberships: Sequence[NetworkMembership]

    @staticmethod
    def source_label(source: str) -> str:
        """A source's display name."""
        return SOURCE_LABELS.get(source, source)


def sections(db: Session, city: City) -> list[object]:
    """The twins and networks sections (empty lists are shown with a short note)."""
    twins = repo.twins_of(db, city.geonames_id)
    writable = sorted(get_scope(db).writable_ids)
    ids = [city.geonames_id, *(t.city.geonames_id for t in twins)]
    adopters = repo.editable_workspaces_in(db, writable, ids)
    return [
        TwinsSection(_("Twin towns and sister cities"), "ties/city_twins.html", city, twins, adopters),
        NetworksSection(
            _("City networks"), "ties/city_networks.html", city, repo.memberships_of(db, city.geonames_id)
        ),
    ]
