"""The stored data: typed SQLAlchemy 2 models, one table per concept."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
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

ROLES = ("parent", "teacher", "principal")  # roles in a school; officers hold an authority
Purpose = Literal["surveys", "news", "feedback"]
PURPOSES: tuple[Purpose, ...] = ("surveys", "news", "feedback")


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
    authority_id: Mapped[int | None] = mapped_column(ForeignKey("authorities.id"), index=True)
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
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    grade: Mapped[str] = mapped_column(String(20), default="")
    invite_code: Mapped[str] = mapped_column(String(16), unique=True)


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
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Membership(Base):
    """A role of a person: parent of a class, teacher of a class, principal of a school."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("person_id", "school_id", "class_id", "role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Officer(Base):
    """An officer of an authority: sees the figures of every school beneath it, nothing else."""

    __tablename__ = "officers"
    __table_args__ = (UniqueConstraint("person_id", "authority_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    authority_id: Mapped[int] = mapped_column(
        ForeignKey("authorities.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StaffInvite(Base):
    """A single-use, expiring code that grants a staff role in a school, or makes an officer of
    an authority (role "officer", `authority_id` set, no school)."""

    __tablename__ = "staff_invites"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    authority_id: Mapped[int | None] = mapped_column(
        ForeignKey("authorities.id", ondelete="CASCADE")
    )
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))


class LinkCode(Base):
    """A one-time, short-lived code that joins the chat account typing it to this person."""

    __tablename__ = "link_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
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
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(20))
    granted: Mapped[bool] = mapped_column(Boolean)
    notice_version: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class Dialog(Base):
    """Where a private chat stands in a multi-step conversation, and the choices it was shown."""

    __tablename__ = "dialogs"
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    flow: Mapped[str] = mapped_column(String(32), default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    choices: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Wave(Base):
    """One survey campaign (đợt khảo sát) of a school, for some or all classes."""

    __tablename__ = "waves"
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    survey_key: Mapped[str] = mapped_column(String(64))
    survey_version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # every answer released after it closed (handlers/release.py): only then is it reported
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WaveClass(Base):
    __tablename__ = "wave_classes"
    wave_id: Mapped[int] = mapped_column(
        ForeignKey("waves.id", ondelete="CASCADE"), primary_key=True
    )
    class_id: Mapped[int] = mapped_column(
        ForeignKey("classes.id", ondelete="CASCADE"), primary_key=True
    )


class WaveInvite(Base):
    """A parent invited to a wave: the denominator of participation and the reminder list."""

    __tablename__ = "wave_invites"
    wave_id: Mapped[int] = mapped_column(
        ForeignKey("waves.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ErasedInvite(Base):
    """An invitation of a person since erased: still counted in participation, nobody's now."""

    __tablename__ = "erased_invites"
    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id", ondelete="CASCADE"), index=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SurveyRun(Base):
    """A parent's unfinished questionnaire; deleted when submitted (its answers: draft_answers)."""

    __tablename__ = "survey_runs"
    __table_args__ = (UniqueConstraint("wave_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(12), unique=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    survey_key: Mapped[str] = mapped_column(String(64))
    survey_version: Mapped[int] = mapped_column(Integer)
    # where the run stands, but its answers: the engine's RunState.to_json() without them
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DraftAnswer(Base):
    """An answer of an unfinished run, kept the moment it is given."""

    __tablename__ = "draft_answers"
    run_id: Mapped[int] = mapped_column(
        ForeignKey("survey_runs.id", ondelete="CASCADE"), primary_key=True
    )
    question_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CompletionReceipt(Base):
    """Who has submitted a wave; kept apart from the answers, which carry no person."""

    __tablename__ = "completion_receipts"
    wave_id: Mapped[int] = mapped_column(
        ForeignKey("waves.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PendingResponse(Base):
    """A submitted questionnaire waiting to be released into `responses` (handlers/release.py).

    Written with its completion receipt, so while it waits it is as linkable as that moment is:
    it carries no person, chat or time, and waits only until its class has enough to release.
    """

    __tablename__ = "pending_responses"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id", ondelete="CASCADE"), index=True)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id", ondelete="SET NULL"))
    answers: Mapped[dict[str, str]] = mapped_column(JSON)


class Response(Base):
    """One anonymous submitted questionnaire: a random id, the wave, the class and its grade only.

    Written by a release, with the rest of its class, in a random order under new random ids;
    no class (NULL) for a class that had fewer than the minimum group of respondents. The grade
    is the class's when released ("" none); a response released without its class keeps its
    grade only when that grade's group is big enough (handlers/release.py).
    """

    __tablename__ = "responses"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id", ondelete="CASCADE"), index=True)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id", ondelete="SET NULL"))
    grade: Mapped[str] = mapped_column(String(20), default="", server_default="")


class Answer(Base):
    __tablename__ = "answers"
    response_id: Mapped[str] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True
    )
    question_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


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
    broadcast_id: Mapped[int | None] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="CASCADE")
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id", ondelete="SET NULL"))
    to_group: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    external_id: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)


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
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    lookup_code: Mapped[str] = mapped_column(String(16))  # with the number, for anonymous senders
    kind: Mapped[str] = mapped_column(String(16))
    topic: Mapped[str] = mapped_column(String(16))
    anonymous: Mapped[bool] = mapped_column(Boolean)
    handled_by: Mapped[str] = mapped_column(String(12))
    channel: Mapped[str] = mapped_column(String(20))
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id", ondelete="SET NULL"))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    sender_name: Mapped[str | None] = mapped_column(String(200))
    sender_contact: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    photos: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(12))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
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
        ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True
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
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    contact: Mapped[str] = mapped_column(String(200))


class TicketEvent(Base):
    """One step of a ticket: who did what when; `public` ones are shown to the sender."""

    __tablename__ = "ticket_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
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
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(16))
    due_on: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class NewsPost(Base):
    """A reform-news post (tin CCHC) in a school's library, published now or on a schedule."""

    __tablename__ = "news_posts"
    __table_args__ = (UniqueConstraint("school_id", "title"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    image: Mapped[str | None] = mapped_column(String(500))
    link: Mapped[str | None] = mapped_column(String(500))  # the online procedure it is about
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
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
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))  # announcement, news, reminder
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)  # an Outbound without its chat
    class_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # empty: the whole school
    seen_button: Mapped[bool] = mapped_column(Boolean, default=False)
    quiet_hours: Mapped[str] = mapped_column(String(11), default="")
    status: Mapped[str] = mapped_column(String(12))  # scheduled, sending, done, cancelled
    send_at: Mapped[datetime] = mapped_column(UTCDateTime)
    repeat_days: Mapped[int] = mapped_column(Integer, default=0)
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("news_posts.id", ondelete="SET NULL"))
    wave_id: Mapped[int | None] = mapped_column(ForeignKey("waves.id", ondelete="CASCADE"))
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
        ForeignKey("classes.id", ondelete="CASCADE"), index=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)
    linked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    linked_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))


class GroupLinkCode(Base):
    """A one-time code a teacher types in a group (/lienket CODE) to link it to their class."""

    __tablename__ = "group_link_codes"
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
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
        ForeignKey("broadcasts.id", ondelete="CASCADE"), primary_key=True
    )
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id", ondelete="SET NULL"))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Digest(Base):
    """A school's weekly digest, once per school and week: the row that makes the job idempotent."""

    __tablename__ = "digests"
    __table_args__ = (UniqueConstraint("school_id", "week_start"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    week_start: Mapped[date] = mapped_column(Date)  # the Monday of the week reported
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recipients: Mapped[int] = mapped_column(Integer, default=0)  # principals reached


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
