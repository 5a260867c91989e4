"""The principals' weekly digests, one row per school and week."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, UTCDateTime
from bot.models.schools import School


class Digest(Base):
    """A school's weekly digest, once per school and week: the row that makes the job idempotent."""

    __tablename__ = "digests"
    __table_args__ = (UniqueConstraint("school_id", "week_start"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey(School.id, ondelete="CASCADE"))
    week_start: Mapped[date] = mapped_column(Date)  # the Monday of the week reported
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recipients: Mapped[int] = mapped_column(Integer, default=0)  # principals reached
