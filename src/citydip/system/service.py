"""Create or upgrade the database and load reference data."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import Engine

from citydip.core.actor import Actor, set_actor
from citydip.core.database import make_sessionmaker, transaction
from citydip.core.migrate import current_revision, upgrade
from citydip.core.tenancy import Scope, set_scope
from citydip.domains import install_session_hooks
from citydip.reference.loaders import LoadReport, Progress, load_reference_data


def _silent(_label: str, _done: int, _total: int) -> None:
    return None


@dataclass
class InitReport:
    """What ``citydip init`` did."""

    revision_before: str | None
    revision_after: str | None
    reference: LoadReport
    seconds: float


def initialise(engine: Engine, progress: Progress | None = None, places: int | None = None) -> InitReport:
    """Migrate the database to the newest schema and load or refresh reference data (idempotent).

    ``places`` picks GeoNames' place list (15000, 5000, 1000 or 500+ people); benchmarks compare them.
    """
    started = time.perf_counter()
    install_session_hooks()
    before = current_revision(engine)
    upgrade(engine)
    after = current_revision(engine)
    factory = make_sessionmaker(engine)
    with transaction(factory) as session:
        set_scope(session, Scope.system_scope("init"))
        set_actor(session, Actor("system:init"))
        report = load_reference_data(session, progress or _silent, places=places)
    return InitReport(before, after, report, time.perf_counter() - started)
