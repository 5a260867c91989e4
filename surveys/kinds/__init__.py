"""Question kinds: what a question type means, in one place, looked up by its name.

A kind gathers its options, how a typed reply is read, its labels and hint, how it is answered
(tap, ticks or text), the key of each button, the checks of its definition and its role in
scoring and reports. The built-in kinds are registered here; another one is one module that
defines a QuestionKind and calls `register` with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from surveys.kinds.base import (
    MAX_CHOICE_LENGTH,
    MAX_TEXT_LENGTH,
    Accepted,
    InputMode,
    QuestionKind,
    Rejected,
    RejectReason,
    forbid_max_choices,
    forbid_options,
    join_values,
    require_options,
    split_choices,
)
from surveys.kinds.choice import ChoiceKind
from surveys.kinds.multi import MULTI
from surveys.kinds.scale import SCALE
from surveys.kinds.single import SINGLE
from surveys.kinds.text import TEXT
from surveys.kinds.yesno import YESNO

if TYPE_CHECKING:
    from surveys.schema import Question

__all__ = [
    "BUILT_IN",
    "MAX_CHOICE_LENGTH",
    "MAX_TEXT_LENGTH",
    "Accepted",
    "ChoiceKind",
    "InputMode",
    "QuestionKind",
    "RejectReason",
    "Rejected",
    "forbid_max_choices",
    "forbid_options",
    "join_values",
    "kind_named",
    "kind_of",
    "known_kinds",
    "register",
    "require_options",
    "split_choices",
]

K = TypeVar("K", bound=QuestionKind)
_KINDS: dict[str, QuestionKind] = {}


def register(kind: K) -> K:
    """Make a kind usable as `type:` in definitions; registering it again is a no-op."""
    known = _KINDS.get(kind.name)
    if known is not None and known is not kind:
        raise ValueError(f"another question kind is already named {kind.name!r}")
    _KINDS[kind.name] = kind
    return kind


def kind_named(name: str) -> QuestionKind:
    """The kind of this name; KeyError naming the known kinds if there is none."""
    try:
        return _KINDS[name]
    except KeyError:
        known = ", ".join(_KINDS)
        raise KeyError(f"unknown question type {name!r} (known: {known})") from None


def kind_of(question: Question) -> QuestionKind:
    """The kind of a (validated) question."""
    return _KINDS[question.type]


def known_kinds() -> tuple[QuestionKind, ...]:
    """Every registered kind, in the order registered."""
    return tuple(_KINDS.values())


BUILT_IN: tuple[QuestionKind, ...] = (SCALE, SINGLE, MULTI, YESNO, TEXT)
for _kind in BUILT_IN:
    register(_kind)
