"""Ticket kinds, topics and statuses, the allowed status changes, and each kind's legal deadlines.

The deadlines are the school-level reading of the law (see README, "Feedback and complaints"):
`source` names the article each one comes from, or says it is the school's own policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

Kind = Literal["gop_y", "phan_anh", "khieu_nai", "to_cao"]
KINDS: tuple[Kind, ...] = get_args(Kind)
# a complaint or a denunciation is one only with the sender's name and contact (Luật Khiếu nại
# 2011 Art. 8, 11; Luật Tố cáo 2018 Art. 23, 25); sent anonymously it is kept as information
NAMED_KINDS = frozenset({"khieu_nai", "to_cao"})
Topic = Literal[
    "tuyen_sinh",
    "hoc_phi",
    "bua_an",
    "an_toan",
    "giao_vien",
    "co_so",
    "thu_tuc",
    "khac",
]
TOPICS: tuple[Topic, ...] = get_args(Topic)
TEXT_LIMIT = 2000  # characters of a submission or a reply
PHOTO_LIMIT = 5  # photos a parent may attach to a submission
STATUSES = ("received", "accepted", "forwarded", "refused", "resolved", "closed")
# a deadline runs in these: the decision while received, the resolution once accepted
PENDING = frozenset({"received", "accepted"})
# the school has given its final answer: the result, the refusal or the transfer
CONCLUDED = frozenset({"forwarded", "refused", "resolved"})
TRANSITIONS: dict[str, frozenset[str]] = {
    "received": frozenset({"accepted", "forwarded", "refused", "resolved"}),
    "accepted": frozenset({"forwarded", "resolved"}),
    "forwarded": frozenset({"closed"}),
    "refused": frozenset({"closed"}),
    "resolved": frozenset({"closed"}),
    "closed": frozenset(),
}

# who handles a ticket, and so who may see it
HANDLED_BY_STAFF = "staff"  # the school's staff (teachers only their classes' tickets)
HANDLED_BY_PRINCIPAL = "principal"  # a denunciation of a teacher or employee
# a denunciation of the school's leadership: the officers of its managing authority
HANDLED_BY_AUTHORITY = "authority"


@dataclass(frozen=True)
class Limit:
    """A time limit: so many working days, or calendar days counted as the Civil Code says."""

    days: int
    working: bool
    source: str


@dataclass(frozen=True)
class Rule:
    """The deadlines of one kind of ticket."""

    decide: Limit  # from receipt: accept, forward or refuse (or answer outright)
    forward: Limit | None  # from receipt, when it goes to another body and that limit is shorter
    resolve: Limit  # from acceptance
    extension: Limit | None = None  # added per extension of a complex case
    max_extensions: int = 0


@dataclass(frozen=True)
class Policy:
    """The school's own limits where the law sets none (working days)."""

    answer_days: int = 5
    resolve_days: int = 10


TCD_ART_28 = Limit(10, True, "Luật Tiếp công dân 2013, Điều 28")
ND20_ART_9 = Limit(5, True, "Nghị định 20/2008/NĐ-CP, Điều 9")
KN_ART_27 = Limit(10, False, "Luật Khiếu nại 2011, Điều 27")
KN_ART_28 = Limit(30, False, "Luật Khiếu nại 2011, Điều 28")
KN_ART_28_COMPLEX = Limit(15, False, "Luật Khiếu nại 2011, Điều 28 (vụ việc phức tạp: 45 ngày)")
TC_ART_24_1 = Limit(7, True, "Luật Tố cáo 2018, Điều 24 khoản 1")
TC_ART_24_2 = Limit(5, True, "Luật Tố cáo 2018, Điều 24 khoản 2")
TC_ART_30 = Limit(30, False, "Luật Tố cáo 2018, Điều 30")


def rule_for(kind: str, topic: str, anonymous: bool, policy: Policy) -> Rule:
    """The deadlines of a ticket of this kind and topic, sent named or anonymously."""
    if kind == "gop_y":
        answer = Limit(policy.answer_days, True, "quy định của nhà trường")
        return Rule(decide=answer, forward=None, resolve=answer)
    if kind == "khieu_nai" and not anonymous:
        return Rule(KN_ART_27, None, KN_ART_28, KN_ART_28_COMPLEX, max_extensions=1)
    if kind == "to_cao" and not anonymous:
        return Rule(TC_ART_24_1, TC_ART_24_2, TC_ART_30, TC_ART_30, max_extensions=2)
    # a petition, or anonymous information with complaint or denunciation content
    forward = ND20_ART_9 if topic == "thu_tuc" else None  # feedback on administrative rules
    resolve = Limit(policy.resolve_days, True, "quy định của nhà trường")
    return Rule(decide=TCD_ART_28, forward=forward, resolve=resolve)


def can_change(status: str, to: str) -> bool:
    return to in TRANSITIONS.get(status, frozenset())
