"""Table: the one shared list of challenges a tie can address (climate adaptation, epidemics...)."""

from __future__ import annotations

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from citydip.core.database import Base


class Challenge(Base):
    """A challenge shared by every workspace, so networks can compare what their ties address."""

    __tablename__ = "challenges"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
