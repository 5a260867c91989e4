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
    decide_extended: Limit | None = None  # the longer decision limit the law allows, with reason


@dataclass(frozen=True)
class Policy:
    """The school's own limits where the law sets none (working days)."""

    answer_days: int = 5
    resolve_days: int = 10


# How the law counts. Where a text says "ngày làm việc" the limit is in working days; where it
# says only "ngày" it is in calendar days, counted as Bộ luật Dân sự 2015 says (Điều 147 khoản 1:
# "Khi thời hạn được xác định bằng ngày, tuần, tháng, năm thì ngày đầu tiên của thời hạn không
# được tính mà tính từ ngày tiếp theo liền kề ngày được xác định"; Điều 148 khoản 5: "Khi ngày
# cuối cùng của thời hạn là ngày nghỉ cuối tuần hoặc ngày nghỉ lễ thì thời hạn kết thúc tại thời
# điểm kết thúc ngày làm việc tiếp theo ngày nghỉ đó"). The same laws write "ngày làm việc"
# where they mean it (Luật Tố cáo 2018 Điều 24; Luật Tiếp công dân 2013 Điều 28), so a bare
# "ngày" is a calendar day. See handlers/tickets/deadlines.py for the counting itself.

TCD_ART_28 = Limit(10, True, "Luật Tiếp công dân 2013, Điều 28")
ND20_ART_9 = Limit(5, True, "Nghị định 20/2008/NĐ-CP, Điều 9")
# Luật Khiếu nại 2011, Điều 27: "Trong thời hạn 10 ngày, kể từ ngày nhận được khiếu nại thuộc
# thẩm quyền mà không thuộc một trong các trường hợp được quy định tại Điều 11 của Luật này,
# người có thẩm quyền giải quyết khiếu nại lần đầu phải thụ lý giải quyết; thông báo bằng văn
# bản ..." — 10 calendar days. Thông tư 07/2013/TT-TTCP (Điều 5) and the Government
# Inspectorate's published procedure are reported to say "10 ngày làm việc" (not read in the
# original here); a circular cannot lengthen the Law's limit, and a school that meets the Law's
# 10 days meets theirs too, so the stricter count is kept.
KN_ART_27 = Limit(10, False, "Luật Khiếu nại 2011, Điều 27")
# Luật Khiếu nại 2011, Điều 28: "Thời hạn giải quyết khiếu nại lần đầu không quá 30 ngày, kể từ
# ngày thụ lý; đối với vụ việc phức tạp thì thời hạn giải quyết có thể kéo dài hơn nhưng không
# quá 45 ngày, kể từ ngày thụ lý. Ở vùng sâu, vùng xa đi lại khó khăn thì thời hạn giải quyết
# khiếu nại không quá 45 ngày, kể từ ngày thụ lý; đối với vụ việc phức tạp thì thời hạn giải
# quyết có thể kéo dài hơn nhưng không quá 60 ngày, kể từ ngày thụ lý." — calendar days; the
# complex case is one extension of 15 days; a school flagged as remote (`schools.remote_area`)
# gets the second sentence.
KN_ART_28 = Limit(30, False, "Luật Khiếu nại 2011, Điều 28")
KN_ART_28_COMPLEX = Limit(15, False, "Luật Khiếu nại 2011, Điều 28 – vụ việc phức tạp, 45 ngày")
KN_ART_28_REMOTE = Limit(45, False, "Luật Khiếu nại 2011, Điều 28 – vùng sâu, vùng xa, 45 ngày")
KN_ART_28_REMOTE_COMPLEX = Limit(
    15, False, "Luật Khiếu nại 2011, Điều 28 – vùng sâu, vùng xa, vụ việc phức tạp, 60 ngày"
)
# Luật Tố cáo 2018, Điều 24 khoản 1: "Trong thời hạn 07 ngày làm việc kể từ ngày nhận được tố
# cáo, cơ quan, tổ chức, cá nhân có trách nhiệm vào sổ, phân loại, xử lý ban đầu thông tin tố
# cáo, kiểm tra, xác minh thông tin về người tố cáo và điều kiện thụ lý tố cáo; trường hợp phải
# kiểm tra, xác minh tại nhiều địa điểm hoặc phải ủy quyền cho cơ quan, tổ chức có thẩm quyền
# kiểm tra, xác minh thì thời hạn này có thể kéo dài hơn nhưng không quá 10 ngày làm việc."
TC_ART_24_1 = Limit(7, True, "Luật Tố cáo 2018, Điều 24 khoản 1")
TC_ART_24_1_EXTENDED = Limit(
    10, True, "Luật Tố cáo 2018, Điều 24 khoản 1 – xác minh tại nhiều địa điểm, 10 ngày làm việc"
)
# Điều 24 khoản 2: not competent, "trong thời hạn 05 ngày làm việc kể từ ngày nhận được đơn tố
# cáo, phải chuyển đến cơ quan, tổ chức, cá nhân có thẩm quyền giải quyết".
TC_ART_24_2 = Limit(5, True, "Luật Tố cáo 2018, Điều 24 khoản 2")
# Luật Tố cáo 2018, Điều 30: "1. Thời hạn giải quyết tố cáo là không quá 30 ngày kể từ ngày thụ
# lý tố cáo. 2. Đối với vụ việc phức tạp thì có thể gia hạn giải quyết tố cáo một lần nhưng
# không quá 30 ngày. 3. Đối với vụ việc đặc biệt phức tạp thì có thể gia hạn giải quyết tố cáo
# hai lần, mỗi lần không quá 30 ngày. 4. Người giải quyết tố cáo quyết định bằng văn bản việc
# gia hạn ... và thông báo đến người tố cáo ..." — calendar days; up to two extensions.
TC_ART_30 = Limit(30, False, "Luật Tố cáo 2018, Điều 30")
TC_ART_30_EXTENSION = Limit(30, False, "Luật Tố cáo 2018, Điều 30 – gia hạn, 30 ngày mỗi lần")


def rule_for(kind: str, topic: str, anonymous: bool, policy: Policy, remote: bool = False) -> Rule:
    """The deadlines of a ticket of this kind and topic, sent named or anonymously.

    `remote`: the school is in a remote area (vùng sâu, vùng xa đi lại khó khăn), which lengthens
    a complaint's resolution (Luật Khiếu nại 2011, Điều 28) and nothing else.
    """
    if kind == "gop_y":
        answer = Limit(policy.answer_days, True, "quy định của nhà trường")
        return Rule(decide=answer, forward=None, resolve=answer)
    if kind == "khieu_nai" and not anonymous:
        if remote:
            return Rule(KN_ART_27, None, KN_ART_28_REMOTE, KN_ART_28_REMOTE_COMPLEX, 1)
        return Rule(KN_ART_27, None, KN_ART_28, KN_ART_28_COMPLEX, max_extensions=1)
    if kind == "to_cao" and not anonymous:
        return Rule(
            TC_ART_24_1,
            TC_ART_24_2,
            TC_ART_30,
            TC_ART_30_EXTENSION,
            max_extensions=2,
            decide_extended=TC_ART_24_1_EXTENDED,
        )
    # a petition, or anonymous information with complaint or denunciation content
    forward = ND20_ART_9 if topic == "thu_tuc" else None  # feedback on administrative rules
    resolve = Limit(policy.resolve_days, True, "quy định của nhà trường")
    return Rule(decide=TCD_ART_28, forward=forward, resolve=resolve)


def can_change(status: str, to: str) -> bool:
    return to in TRANSITIONS.get(status, frozenset())
