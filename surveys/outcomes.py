"""What one step of the engine gives back: the new state, the answers changed, what to show."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from surveys.engine import SummaryLine
from surveys.run_state import RunState
from surveys.schema import Question

RejectionReason = Literal[
    "not_a_choice", "too_many", "empty", "too_long", "out_of_range", "stale", "hidden"
]


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
    """Why an input was refused; limit is max_choices (too_many), the text cap (too_long) or
    the highest number shown (out_of_range)."""

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

    def saved(self) -> dict[str, Any]:
        """What to store of the new state besides its answers: nothing ({}) while the run just
        asks its first unanswered question or shows its review, as the engine settles an empty
        state to exactly that; so most answers leave the run's row untouched."""
        state = self.state
        first = next((q.key for q in self.visible if q.key not in state.answers), None)
        plain = not state.ticked and state.proposal is None
        if plain and (
            (state.stage == "asking" and first is not None and state.asked == first)
            or (state.stage == "review" and first is None)
        ):
            return {}
        saved = state.to_json()
        del saved["answers"]
        return saved
