"""What chats send and receive, and where each private conversation stands."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, UTCDateTime
from bot.models.broadcasts import Broadcast
from bot.models.people import Person
from bot.models.schools import Classroom


class Dialog(Base):
    """Where a private chat stands in a multi-step conversation, and the choices it was shown."""

    __tablename__ = "dialogs"
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    flow: Mapped[str] = mapped_column(String(32), default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    choices: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class InboundMessage(Base):
    """Everything received, recorded once before it is acknowledged."""

    __tablename__ = "inbound_messages"
    __table_args__ = (
        UniqueConstraint("channel", "external_id"),
        Index("ix_inbound_messages_pending", "status", "id"),
        # a chat's oldest waiting event, found without reading the other chats' (bot/inbox.py)
        Index(
            "ix_inbound_messages_waiting",
            "channel",
            "chat_id",
            "id",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutboxMessage(Base):
    """A message to one chat: a reply queued by a handler, or one recipient of a broadcast.

    Status: pending → sending (claimed, committed before the platform is called) → sent, failed
    (the platform refused it for good), skipped (not sent: chat known unreachable, broadcast
    cancelled), dead (given up: not sent within its time limit), or unconfirmed (a broadcast's
    message the platform never confirmed: no answer in time, or the sender died between claim and
    outcome; never sent again, see bot/delivery).
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_due", "status", "lane", "id"),
        Index("ix_outbox_messages_broadcast", "broadcast_id", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(64))
    # None for a broadcast's recipient: the broadcast's body is sent
    body: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # 0 replies, 1 announcements, 2 news, reminders and invitations: a lower lane goes first
    lane: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    broadcast_id: Mapped[int | None] = mapped_column(ForeignKey(Broadcast.id, ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey(Person.id, ondelete="SET NULL"))
    class_id: Mapped[int | None] = mapped_column(ForeignKey(Classroom.id, ondelete="SET NULL"))
    to_group: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    external_id: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)


class WebChatMessage(Base):
    """One bubble of a web chat as its page shows it (bot/web_history.py): the page's history
    survives a reload and a restart. Gone with the other messages after `retention_days`
    without a change (handlers/clean_up.py)."""

    __tablename__ = "web_chat_messages"
    __table_args__ = (
        UniqueConstraint("chat_id", "view", "message_id"),
        Index("ix_web_chat_messages_chat", "chat_id", "view", "position"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(64))
    view: Mapped[str] = mapped_column(String(10))  # "buttons" or "zalo"
    message_id: Mapped[str] = mapped_column(String(40))
    # the place in the log: an edited message moves below the tap that caused it
    position: Mapped[int] = mapped_column(Integer)
    # the page's JSON of the bubble (sender, text, buttons, file)
    shown: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
