"""People, the chats they write from, their roles, codes and consents."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, UTCDateTime
from bot.models.schools import Authority, Classroom, School

ROLES = ("parent", "teacher", "principal")  # roles in a school; officers hold an authority
Purpose = Literal["surveys", "news", "feedback"]
PURPOSES: tuple[Purpose, ...] = ("surveys", "news", "feedback")


class Person(Base):
    """A parent or a staff member; one person may reach us on several channels."""

    __tablename__ = "people"
    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ChatAccount(Base):
    __tablename__ = "chat_accounts"
    __table_args__ = (UniqueConstraint("channel", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey(Person.id, ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Membership(Base):
    """A role of a person: parent of a class, teacher of a class, principal of a school."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("person_id", "school_id", "class_id", "role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey(Person.id, ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey(School.id, ondelete="CASCADE"), index=True)
    class_id: Mapped[int | None] = mapped_column(ForeignKey(Classroom.id, ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Officer(Base):
    """An officer of an authority: sees the figures of every school beneath it, nothing else."""

    __tablename__ = "officers"
    __table_args__ = (UniqueConstraint("person_id", "authority_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey(Person.id, ondelete="CASCADE"), index=True)
    authority_id: Mapped[int] = mapped_column(
        ForeignKey(Authority.id, ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StaffInvite(Base):
    """A single-use, expiring code that grants a staff role in a school, or makes an officer of
    an authority (role "officer", `authority_id` set, no school)."""

    __tablename__ = "staff_invites"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey(School.id, ondelete="CASCADE"))
    authority_id: Mapped[int | None] = mapped_column(ForeignKey(Authority.id, ondelete="CASCADE"))
    class_id: Mapped[int | None] = mapped_column(ForeignKey(Classroom.id, ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_by: Mapped[int | None] = mapped_column(ForeignKey(Person.id, ondelete="SET NULL"))


class LinkCode(Base):
    """A one-time, short-lived code that joins the chat account typing it to this person."""

    __tablename__ = "link_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey(Person.id, ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CodeAttempts(Base):
    """Wrong codes typed in one chat in its current window, and until when it is refused more
    (handlers/code_guard.py); kept in the database so that every replica counts the same."""

    __tablename__ = "code_attempts"
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    failures: Mapped[int] = mapped_column(Integer)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ConsentEvent(Base):
    """Every grant or withdrawal, with the version of the notice the person saw.

    The trail outlives the person: erasing them empties `person_id`, the rest stays.
    """

    __tablename__ = "consent_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey(Person.id, ondelete="SET NULL"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(20))
    granted: Mapped[bool] = mapped_column(Boolean)
    notice_version: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
