"""Yes / no, with the everyday ways of saying either."""

from __future__ import annotations

from typing import TYPE_CHECKING

from surveys.fields import Option
from surveys.kinds.base import forbid_max_choices, forbid_options
from surveys.kinds.choice import ChoiceKind
from surveys.labels import NO, NO_LABEL, YES, YES_LABEL

if TYPE_CHECKING:
    from surveys.schema import Question

_OPTIONS = (Option(value=YES, label=YES_LABEL), Option(value=NO, label=NO_LABEL))
# "rồi" / "chưa" are the natural answers to "Anh/chị đã … chưa?".
YES_WORDS = frozenset({"co", "c", "yes", "y", "roi", "da roi", "co roi"})
NO_WORDS = frozenset({"khong", "k", "ko", "no", "n", "chua"})


class YesNoKind(ChoiceKind):
    """Có (1) or Không (2)."""

    name = "yesno"

    def options(self, question: Question) -> list[Option]:
        """Có, then Không."""
        return list(_OPTIONS)

    def validate(self, question: Question) -> None:
        """The options are implicit: none listed, no max_choices."""
        forbid_options(question)
        forbid_max_choices(question)

    def alias(self, question: Question, folded: str) -> str | None:
        """Everyday words ("rồi", "ko", "chưa" …) mean yes or no."""
        return YES if folded in YES_WORDS else NO if folded in NO_WORDS else None


YESNO = YesNoKind()
