"""News posts, broadcasts, class groups and who saw what."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, UTCDateTime
from bot.models.people import Person
from bot.models.schools import Classroom, School
from bot.models.waves import Wave


class NewsPost(Base):
    """A reform-news post (tin CCHC) in a school's library, published now or on a schedule."""

    __tablename__ = "news_posts"
    __table_args__ = (UniqueConstraint("school_id", "title"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey(School.id, ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    image: Mapped[str | None] = mapped_column(String(500))
    link: Mapped[str | None] = mapped_column(String(500))  # the online procedure it is about
    created_by: Mapped[int | None] = mapped_column(ForeignKey(Person.id, ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Broadcast(Base):
    """One message to many recipients: an announcement, a news post, a survey reminder.

    Scheduled ones wait for `send_at`; on release the recipients are written as outbox rows (one
    per chat) and a repeating one schedules its next occurrence in the same transaction.
    """

    __tablename__ = "broadcasts"
    __table_args__ = (
        UniqueConstraint("wave_id", "reminder_round"),
        Index("ix_broadcasts_status_send_at", "status", "send_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey(School.id, ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))  # announcement, news, reminder
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)  # an Outbound without its chat
    class_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # empty: the whole school
    seen_button: Mapped[bool] = mapped_column(Boolean, default=False)
    quiet_hours: Mapped[str] = mapped_column(String(11), default="")
    status: Mapped[str] = mapped_column(String(12))  # scheduled, sending, done, cancelled
    send_at: Mapped[datetime] = mapped_column(UTCDateTime)
    repeat_days: Mapped[int] = mapped_column(Integer, default=0)
    sender_id: Mapped[int | None] = mapped_column(ForeignKey(Person.id, ondelete="SET NULL"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey(NewsPost.id, ondelete="SET NULL"))
    wave_id: Mapped[int | None] = mapped_column(ForeignKey(Wave.id, ondelete="CASCADE"))
    reminder_round: Mapped[int | None] = mapped_column(Integer)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ClassGroup(Base):
    """A group chat the bot was added to; once linked to a class it gets the class's posts."""

    __tablename__ = "class_groups"
    __table_args__ = (UniqueConstraint("channel", "chat_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200), default="")
    class_id: Mapped[int | None] = mapped_column(
        ForeignKey(Classroom.id, ondelete="CASCADE"), index=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)
    linked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    linked_by: Mapped[int | None] = mapped_column(ForeignKey(Person.id, ondelete="SET NULL"))


class GroupLinkCode(Base):
    """A one-time code a teacher types in a group (/lienket CODE) to link it to their class."""

    __tablename__ = "group_link_codes"
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey(Classroom.id, ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey(Person.id, ondelete="CASCADE"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class UnreachableChat(Base):
    """A chat the platform refused for good (bot blocked, chat deleted): broadcasts skip it."""

    __tablename__ = "unreachable_chats"
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    reason: Mapped[str] = mapped_column(Text)
    since: Mapped[datetime] = mapped_column(UTCDateTime)


class BroadcastSeen(Base):
    """Someone tapped "Đã xem" under a broadcast (once per account), for per-class counts."""

    __tablename__ = "broadcast_seen"
    broadcast_id: Mapped[int] = mapped_column(
        ForeignKey(Broadcast.id, ondelete="CASCADE"), primary_key=True
    )
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey(Person.id, ondelete="CASCADE"))
    class_id: Mapped[int | None] = mapped_column(ForeignKey(Classroom.id, ondelete="SET NULL"))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
