"""What a check of `hailong doctor` found: a verdict and one line of detail with the fix."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Verdict(Enum):
    """A check's outcome, with its mark in a UTF-8 terminal and in plain ASCII."""

    OK = ("✓", "OK  ")
    WARN = ("!", "WARN")
    FAIL = ("✗", "FAIL")
    SKIP = ("-", "--  ")


@dataclass(frozen=True)
class Finding:
    """One line of the report: what was checked, its verdict, what was found and the fix."""

    check: str
    verdict: Verdict
    detail: str

    def line(self, ascii_only: bool) -> str:
        mark = self.verdict.value[1 if ascii_only else 0]
        return f"{mark} {self.check}: {self.detail}"
