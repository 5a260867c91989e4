"""The inputs of the step engine: a typed reply or a tap on one of its buttons.

A button names its question by the question's index in survey.questions, and an option by its
0-based position among the kind's options.
"""

from dataclasses import dataclass

SKIP_OPTION = -1  # Pick's option for "Bỏ qua" on an optional question


@dataclass(frozen=True)
class Typed:
    """The parent typed a reply."""

    text: str


@dataclass(frozen=True)
class Pick:
    """A tap on option #option (0-based) of a question; SKIP_OPTION is "Bỏ qua"."""

    question: int
    option: int


@dataclass(frozen=True)
class Tick:
    """A tap toggling option #option of a multiple choice."""

    question: int
    option: int


@dataclass(frozen=True)
class Done:
    """The "Xong" button of a multiple choice."""

    question: int


@dataclass(frozen=True)
class Submit:
    """The "Gửi phiếu" button of the review."""


@dataclass(frozen=True)
class Change:
    """The "Sửa câu trả lời" button of the review."""


@dataclass(frozen=True)
class Edit:
    """A question picked from the list of questions to change."""

    question: int


@dataclass(frozen=True)
class Confirm:
    """The answer to a proposed change."""

    yes: bool


@dataclass(frozen=True)
class Resume:
    """Show where the run stands (opening or reopening it); changes nothing."""


Input = Typed | Pick | Tick | Done | Submit | Change | Edit | Confirm | Resume
