"""The state of a parent's run between two inputs, and its JSON form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Stage = Literal["asking", "review", "choosing", "confirming"]
STAGES: dict[object, Stage] = {
    "asking": "asking",
    "review": "review",
    "choosing": "choosing",
    "confirming": "confirming",
}


@dataclass(frozen=True)
class Proposal:
    """A change to an earlier answer, awaiting yes or no."""

    question: str
    value: str


@dataclass(frozen=True)
class RunState:
    """Where a parent's run stands: answers so far, the stage, the question asked, ticks."""

    answers: Mapping[str, str] = field(default_factory=dict)
    stage: Stage = "asking"
    asked: str | None = None  # the question on screen (stages asking and confirming)
    ticked: tuple[str, ...] = ()  # options ticked so far on the asked multiple choice
    proposal: Proposal | None = None  # stage confirming

    def to_json(self) -> dict[str, Any]:
        """The state as JSON data; from_json reads it back."""
        proposal = self.proposal
        return {
            "answers": dict(self.answers),
            "stage": self.stage,
            "asked": self.asked,
            "ticked": list(self.ticked),
            "proposal": None if proposal is None else [proposal.question, proposal.value],
        }

    @classmethod
    def from_json(cls, data: object) -> RunState:
        """Read a state saved by to_json; anything missing or malformed reads as a fresh run."""
        if not isinstance(data, Mapping):
            return cls()
        answers = data.get("answers")
        ticked = data.get("ticked")
        proposal = data.get("proposal")
        asked = data.get("asked")
        return cls(
            answers=_strings(answers) if isinstance(answers, Mapping) else {},
            stage=STAGES.get(data.get("stage"), "asking"),
            asked=asked if isinstance(asked, str) else None,
            ticked=tuple(t for t in ticked if isinstance(t, str))
            if isinstance(ticked, list | tuple)
            else (),
            proposal=Proposal(*proposal)
            if isinstance(proposal, list | tuple)
            and len(proposal) == 2
            and all(isinstance(part, str) for part in proposal)
            else None,
        )


def initial_state() -> RunState:
    """The state of a run not started: step it with Resume() to ask question 1."""
    return RunState()


def _strings(mapping: Mapping[Any, Any]) -> dict[str, str]:
    return {k: v for k, v in mapping.items() if isinstance(k, str) and isinstance(v, str)}
