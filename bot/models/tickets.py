"""Feedback tickets (phản ánh, kiến nghị, khiếu nại, tố cáo), their steps and alerts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, UTCDateTime
from bot.models.people import Person
from bot.models.schools import Classroom, School


class Ticket(Base):
    """A parent's feedback, petition, complaint or denunciation, from receipt to closure.

    `person_id` links a named sender; it is empty for an anonymous ticket and for a denunciation,
    whose sender is kept apart in `sealed_senders`.
    """

    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("school_id", "year", "seq"),
        Index("ix_tickets_school_status", "school_id", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey(School.id, ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    lookup_code: Mapped[str] = mapped_column(String(16))  # with the number, for anonymous senders
    kind: Mapped[str] = mapped_column(String(16))
    topic: Mapped[str] = mapped_column(String(16))
    anonymous: Mapped[bool] = mapped_column(Boolean)
    handled_by: Mapped[str] = mapped_column(String(12))
    channel: Mapped[str] = mapped_column(String(20))
    class_id: Mapped[int | None] = mapped_column(ForeignKey(Classroom.id, ondelete="SET NULL"))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey(Person.id, ondelete="SET NULL"), index=True
    )
    sender_name: Mapped[str | None] = mapped_column(String(200))
    sender_contact: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    photos: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(12))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey(Person.id, ondelete="SET NULL"))
    result: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decide_due: Mapped[date] = mapped_column(Date)
    forward_due: Mapped[date | None] = mapped_column(Date)
    resolve_due: Mapped[date | None] = mapped_column(Date)
    extensions: Mapped[int] = mapped_column(Integer, default=0)
    # the school was flagged remote when the ticket came: the limits it was received under
    remote_area: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # why the decision limit was lengthened (a denunciation to verify at several places, Luật Tố
    # cáo 2018 Điều 24 khoản 1); None while it was not
    decide_extension_reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    concluded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # staff asked to close it: it waits for the sender's rating, or closes at this time
    close_after: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the sender erased their data while the case was open: what the law keeps of them (name,
    # contact, the sealed identity) is dropped when it closes
    sender_erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rating: Mapped[int | None] = mapped_column(Integer)
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # its retention period ended (handlers/retention.py): text, photos, name and contact emptied
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TicketCounter(Base):
    """The last receipt number given by a school in a year; numbers are never reused."""

    __tablename__ = "ticket_counters"
    school_id: Mapped[int] = mapped_column(
        ForeignKey(School.id, ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class SealedSender(Base):
    """Who sent a denunciation: kept apart, shown to its handler only (Luật Tố cáo 2018 Art. 56).

    Erasing the person keeps the row of an open case (the law needs the denouncer's name and
    contact until it is settled) without the person; the row goes when the case closes.
    """

    __tablename__ = "sealed_senders"
    ticket_id: Mapped[int] = mapped_column(
        ForeignKey(Ticket.id, ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey(Person.id, ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    contact: Mapped[str] = mapped_column(String(200))


class TicketEvent(Base):
    """One step of a ticket: who did what when; `public` ones are shown to the sender."""

    __tablename__ = "ticket_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey(Ticket.id, ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey(Person.id, ondelete="SET NULL"))
    actor_role: Mapped[str] = mapped_column(String(12))
    action: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(Text, default="")
    public: Mapped[bool] = mapped_column(Boolean)


class TicketAlert(Base):
    """A deadline warning or escalation sent, once per ticket, stage and due date."""

    __tablename__ = "ticket_alerts"
    __table_args__ = (UniqueConstraint("ticket_id", "stage", "due_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey(Ticket.id, ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(16))
    due_on: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
