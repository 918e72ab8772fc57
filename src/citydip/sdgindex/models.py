"""Tables: stored city SDG index runs of a workspace, and of a network (built by its coordinators).

A run keeps its inputs (the V, S, R and history files as uploaded, or the indicator selection it was built
from), the options chosen, and the computed result as JSON (numbers or null, never NaN), so pages and
exports show exactly what was computed even after the inputs change.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from citydip.core.database import Base, new_id, utcnow
from citydip.core.tenancy import TenantRecord


class RunColumns:
    """Columns shared by workspace and network runs."""

    __audit_exclude__: ClassVar[tuple[str, ...]] = (
        "values_csv",
        "spec_csv",
        "regions_csv",
        "history_csv",
        "result",
    )

    title: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(16), default="upload")  # upload | indicators
    goal_colour_rule: Mapped[str] = mapped_column(String(32), default="two-worst")
    impute: Mapped[str] = mapped_column(String(16), default="")  # "" or "region"
    values_name: Mapped[str] = mapped_column(String(200), default="")
    values_csv: Mapped[str] = mapped_column(Text, default="")
    spec_name: Mapped[str] = mapped_column(String(200), default="")
    spec_csv: Mapped[str] = mapped_column(Text, default="")
    regions_name: Mapped[str] = mapped_column(String(200), default="")
    regions_csv: Mapped[str] = mapped_column(Text, default="")
    history_name: Mapped[str] = mapped_column(String(200), default="")
    history_csv: Mapped[str] = mapped_column(Text, default="")
    # Ranking eligibility (percent of applicable indicators a ranked city may miss; NULL: no limit, as in
    # runs stored before the rule) and the trend window in years.
    max_missing: Mapped[float | None] = mapped_column(Float, nullable=True, default=None)
    trend_window: Mapped[int] = mapped_column(Integer, default=5)
    selection: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    city_count: Mapped[int] = mapped_column(Integer, default=0)
    ranked_count: Mapped[int] = mapped_column(Integer, default=0)
    indicator_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IndexRun(TenantRecord, RunColumns, Base):
    """A city SDG index computed in a workspace (e.g. the cities a city compares itself with)."""

    __tablename__ = "sdgindex_runs"
    __table_args__ = (Index("ix_sdgindex_runs_ws_created", "workspace_id", "created_at"),)


class NetworkIndexRun(RunColumns, Base):
    """A city SDG index of a network, built by one of its coordinators; its members may read it."""

    __tablename__ = "sdgindex_network_runs"
    __table_args__ = (Index("ix_sdgindex_network_runs_net_created", "network_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"))
