"""Schools, their classes and the authorities that manage them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, UTCDateTime


class Authority(Base):
    """A body that manages schools, in a tree: a Sở GD&ĐT above the UBND of its xã and phường,
    each above the schools it manages directly (or any other shape, e.g. a private group)."""

    __tablename__ = "authorities"
    __table_args__ = (UniqueConstraint("parent_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))  # in full: "Ủy ban nhân dân phường Sài Gòn"
    kind: Mapped[str] = mapped_column(String(16))  # AuthorityKind
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("authorities.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class School(Base):
    __tablename__ = "schools"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # the school's direct managing authority (cơ quan quản lý trực tiếp); None: not set yet
    authority_id: Mapped[int | None] = mapped_column(ForeignKey(Authority.id), index=True)
    target_percent: Mapped[int] = mapped_column(Integer, default=90)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # news and announcements: "21:00-06:30" ("" none), and who gets them; None = the setting's
    quiet_hours: Mapped[str | None] = mapped_column(String(11))
    audience: Mapped[str | None] = mapped_column(String(8))
    # how parents reach the school as the controller of their data (the notice names it)
    contact_phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    contact_email: Mapped[str] = mapped_column(String(200), default="", server_default="")
    address: Mapped[str] = mapped_column(String(300), default="", server_default="")
    # in a remote area ("vùng sâu, vùng xa đi lại khó khăn"): complaints get 45/60 days to resolve
    # instead of 30/45 (Luật Khiếu nại 2011, Điều 28); set by `hailong school set --remote-area`
    remote_area: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # its documents' heading (Nghị định 30/2020/NĐ-CP): "" = derived from the name and the
    # managing body (handlers/reports/addressee.py)
    doc_abbreviation: Mapped[str] = mapped_column(String(20), default="", server_default="")
    doc_place: Mapped[str] = mapped_column(String(100), default="", server_default="")


class Classroom(Base):
    __tablename__ = "classes"
    __table_args__ = (UniqueConstraint("school_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey(School.id, ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    grade: Mapped[str] = mapped_column(String(20), default="")
    invite_code: Mapped[str] = mapped_column(String(16), unique=True)
