"""Survey waves, parents' unfinished runs and the anonymous answers they become."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, UTCDateTime
from bot.models.people import Person
from bot.models.schools import Classroom, School


class Wave(Base):
    """One survey campaign (đợt khảo sát) of a school, for some or all classes."""

    __tablename__ = "waves"
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey(School.id, ondelete="CASCADE"), index=True)
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
    wave_id: Mapped[int] = mapped_column(ForeignKey(Wave.id, ondelete="CASCADE"), primary_key=True)
    class_id: Mapped[int] = mapped_column(
        ForeignKey(Classroom.id, ondelete="CASCADE"), primary_key=True
    )


class WaveInvite(Base):
    """A parent invited to a wave: the denominator of participation and the reminder list."""

    __tablename__ = "wave_invites"
    wave_id: Mapped[int] = mapped_column(ForeignKey(Wave.id, ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey(Person.id, ondelete="CASCADE"), primary_key=True
    )
    class_id: Mapped[int] = mapped_column(ForeignKey(Classroom.id, ondelete="CASCADE"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ErasedInvite(Base):
    """An invitation of a person since erased: still counted in participation, nobody's now."""

    __tablename__ = "erased_invites"
    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey(Wave.id, ondelete="CASCADE"), index=True)
    class_id: Mapped[int] = mapped_column(ForeignKey(Classroom.id, ondelete="CASCADE"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SurveyRun(Base):
    """A parent's unfinished questionnaire; deleted when submitted (its answers: draft_answers)."""

    __tablename__ = "survey_runs"
    __table_args__ = (UniqueConstraint("wave_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(12), unique=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey(Wave.id, ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey(Person.id, ondelete="CASCADE"), index=True)
    class_id: Mapped[int] = mapped_column(ForeignKey(Classroom.id, ondelete="CASCADE"))
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
        ForeignKey(SurveyRun.id, ondelete="CASCADE"), primary_key=True
    )
    question_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CompletionReceipt(Base):
    """Who has submitted a wave; kept apart from the answers, which carry no person."""

    __tablename__ = "completion_receipts"
    wave_id: Mapped[int] = mapped_column(ForeignKey(Wave.id, ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey(Person.id, ondelete="CASCADE"), primary_key=True
    )
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PendingResponse(Base):
    """A submitted questionnaire waiting to be released into `responses` (handlers/release.py).

    Written with its completion receipt, so while it waits it is as linkable as that moment is:
    it carries no person, chat or time, and waits only until its class has enough to release.
    """

    __tablename__ = "pending_responses"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    wave_id: Mapped[int] = mapped_column(ForeignKey(Wave.id, ondelete="CASCADE"), index=True)
    class_id: Mapped[int | None] = mapped_column(ForeignKey(Classroom.id, ondelete="SET NULL"))
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
    wave_id: Mapped[int] = mapped_column(ForeignKey(Wave.id, ondelete="CASCADE"), index=True)
    class_id: Mapped[int | None] = mapped_column(ForeignKey(Classroom.id, ondelete="SET NULL"))
    grade: Mapped[str] = mapped_column(String(20), default="", server_default="")


class Answer(Base):
    __tablename__ = "answers"
    response_id: Mapped[str] = mapped_column(
        ForeignKey(Response.id, ondelete="CASCADE"), primary_key=True
    )
    question_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
