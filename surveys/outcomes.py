"""What one step of the engine gives back: the new state, the answers changed, what to show."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from surveys.engine import SummaryLine
from surveys.run_state import RunState
from surveys.schema import Question

RejectionReason = Literal["not_a_choice", "too_many", "empty", "too_long", "stale", "hidden"]


@dataclass(frozen=True)
class Ask:
    """Ask one question: "Câu number/total"; ticked are the options ticked so far."""

    question: Question
    index: int
    number: int
    total: int
    ticked: tuple[str, ...] = ()


@dataclass(frozen=True)
class Review:
    """Every visible question answered: the answers to review before sending."""

    lines: tuple[SummaryLine, ...]


@dataclass(frozen=True)
class ChangeList:
    """Which question to change (by its number)."""

    lines: tuple[SummaryLine, ...]


@dataclass(frozen=True)
class ConfirmChange:
    """Ask "Đổi câu number từ «old» thành «new»?" (old and new are labels)."""

    question: Question
    index: int
    number: int
    old: str
    new: str


Screen = Ask | Review | ChangeList | ConfirmChange


@dataclass(frozen=True)
class Rejection:
    """Why an input was refused; limit is max_choices (too_many) or the text cap (too_long)."""

    reason: RejectionReason
    limit: int | None = None


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """The result of one input."""

    state: RunState  # the new state (the same object when nothing changed)
    changed: Mapping[str, str | None]  # answers written, or dropped (None) as now hidden
    screen: Screen | None  # what to show next; None: send nothing
    rejection: Rejection | None = None  # said before the screen
    submitted: bool = False  # the answers are final: the caller stores the response
    visible: tuple[Question, ...]  # the visible questions for the new answers
