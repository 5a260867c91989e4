"""What the deployment keeps for itself: its keys, and work left for after a commit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, UTCDateTime


class AppKey(Base):
    """A secret of the deployment itself (the key that signs buttons), made once, shared by all."""

    __tablename__ = "app_keys"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))


class WorkItem(Base):
    """Work a transaction left for after its commit (a report's files), run by the work runner.

    Status: pending (due at `not_before`) → running (claimed; `not_before` is then the end of the
    claim, after which a runner that died is presumed gone and the item is run again) → deleted
    when done, or failed once its attempts are used up.
    """

    __tablename__ = "work_items"
    __table_args__ = (Index("ix_work_items_due", "status", "not_before"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))  # its type, listed in handlers.surface.WORK
    args: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(Text)
