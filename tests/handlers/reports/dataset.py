"""A seeded province with known answers, tickets and news, whose figures are computed by hand.

Two schools of "Ủy ban nhân dân phường Hoa" and one of another commune, "Ủy ban nhân dân xã
Khác", both under "Sở Giáo dục và Đào tạo tỉnh Hoa". The week reported is
16–22/11/2026 (THIS_WEEK), compared with 9–15/11 (LAST_WEEK); "today" is Monday 23/11/2026 09:00
in Hà Nội.
Each response gives one level to all items of an element, so an element's index is the share of
responses giving it 4 or 5. The expected figures are in the tests, as fractions of these counts.
A response counts in the week its wave closed: school A ran a wave each week (the third, opened
today, still open, its one answer waiting to be released); B and C one closing this week.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.models.broadcasts import Broadcast
from bot.models.messages import OutboxMessage
from bot.models.people import ChatAccount, Membership, Officer, Person
from bot.models.schools import Authority, Classroom, School
from bot.models.tickets import SealedSender, Ticket
from bot.models.waves import Answer, CompletionReceipt, PendingResponse, Response, Wave, WaveInvite
from handlers.authorities.tree import create_authority
from handlers.reports.periods import Period
from handlers.setup import create_school

PROVINCE = "Sở Giáo dục và Đào tạo tỉnh Hoa"
WARD = "Ủy ban nhân dân phường Hoa"
OTHER_WARD = "Ủy ban nhân dân xã Khác"
THIS_WEEK = Period(date(2026, 11, 16), date(2026, 11, 22), "week")
LAST_WEEK = Period(date(2026, 11, 9), date(2026, 11, 15), "week")
FOUNDED = datetime(2026, 9, 1, tzinfo=UTC)
DENOUNCER = "Trần Văn Tố"
COMMENTS = ("Cô giáo rất tận tâm.", "Mong nhà trường thêm sân chơi có mái che.")
HIDDEN_COMMENT = "Con tôi học lớp Lá 1 trường Bình An, mong cô quan tâm hơn."

ELEMENT_ITEMS = {
    "tiep_can": ("tc_cong_khai", "tc_thu_tuc", "tc_lien_he"),
    "co_so_vat_chat": ("csvc_phong_hoc", "csvc_bep_ve_sinh"),
    "moi_truong": ("mt_an_toan", "mt_than_thien"),
    "hoat_dong": ("hd_cham_soc", "hd_hoc_choi"),
    "ket_qua": ("kq_tien_bo",),
    "pakn": ("pakn_kenh",),
}
ORDER = ("tiep_can", "co_so_vat_chat", "moi_truong", "hoat_dong", "ket_qua", "pakn", "overall")

# (class, day, levels of the six elements and the overall question (0 = "không rõ"), wishes,
# comment); school A of the ward
A_THIS_WEEK = [
    ("Lá 1", 17, (5, 4, 5, 5, 4, 4, 5), "co_so_vat_chat,hoat_dong", COMMENTS[0]),
    ("Lá 1", 17, (4, 3, 4, 4, 5, 3, 4), "co_so_vat_chat", ""),
    ("Lá 1", 19, (5, 2, 5, 3, 4, 5, 4), "co_so_vat_chat,thong_tin", ""),
    ("Lá 1", 19, (3, 4, 4, 5, 3, 4, 3), "thong_tin", ""),
    ("Lá 1", 19, (4, 5, 0, 4, 4, 0, 5), "co_so_vat_chat,hoat_dong", ""),
    ("Chồi 1", 22, (5, 4, 5, 2, 5, 4, 4), "", COMMENTS[1]),
]
A_LAST_WEEK = [
    ("Lá 1", 10, (5, 5, 5, 5, 5, 5, 5), "", ""),
    ("Lá 1", 10, (4, 4, 4, 4, 4, 4, 4), "", ""),
    ("Lá 1", 11, (3, 3, 3, 3, 3, 3, 3), "", ""),
    ("Chồi 1", 12, (4, 2, 4, 4, 4, 4, 4), "", ""),
    ("Chồi 1", 15, (2, 4, 5, 3, 5, 5, 5), "", ""),
]
A_AFTER = [("Mầm 1", 23, (5, 5, 5, 5, 5, 5, 5), "tiep_can", "")]  # today: in no week reported
B_THIS_WEEK = [
    ("Lá 1", 18, (5, 5, 5, 5, 5, 5, 5), "", HIDDEN_COMMENT),
    ("Lá 1", 18, (4, 4, 4, 4, 4, 4, 4), "", ""),
    ("Lá 1", 20, (2, 2, 2, 2, 2, 2, 2), "", ""),
]
C_THIS_WEEK = [("Lá 1", 18, (5, 5, 5, 5, 5, 5, 5), "", "")] * 5


@dataclass
class Seeded:
    """The rows a test refers to."""

    schools: dict[str, School] = field(default_factory=dict)
    authorities: dict[str, Authority] = field(default_factory=dict)  # province, ward, other
    principals: dict[str, list[int]] = field(default_factory=dict)


def local(day: int, hour: int = 9, month: int = 11) -> datetime:
    """A moment of November 2026 in Hà Nội (UTC+7), as stored (UTC)."""
    return datetime(2026, month, day, hour, tzinfo=UTC) - timedelta(hours=7)


async def seed(session: AsyncSession, channel: str = "memory") -> Seeded:
    """Writes the whole data set; principals get chat accounts on `channel` (chat = p-<code>-n)."""
    seeded = Seeded()
    ids = itertools.count(1)  # the parents' numbers, over all schools
    province = await create_authority(session, name=PROVINCE, kind="province", now=FOUNDED)
    ward, other = [
        await create_authority(session, name=name, kind="commune", now=FOUNDED, parent=province)
        for name in (WARD, OTHER_WARD)
    ]
    seeded.authorities = {"province": province, "ward": ward, "other": other}
    a, b, c = [
        await create_school(session, code=code, name=name, authority=authority, now=FOUNDED)
        for code, name, authority in (
            ("MN-ANBINH", "Trường Mầm non An Bình", ward),
            ("MN-BINHAN", "Trường Mầm non Bình An", ward),
            ("MN-KHAC", "Trường Mầm non Xã Khác", other),
        )
    ]
    seeded.schools = {"A": a, "B": b, "C": c}
    a_classes = await _classes(session, a, ("Lá 1", "Chồi 1", "Mầm 1"))
    # A: last week 8 parents in Lá 1 and 6 in Chồi 1 invited, 3 and 2 answered; this week 8, 6
    # and 2 in Mầm 1 invited, 5, 1 and none answered; today's wave 2 of Mầm 1, 1 answered
    await _wave(session, a, a_classes, {"Lá 1": 8, "Chồi 1": 6}, A_LAST_WEEK, ids, LAST_WEEK)
    await _wave(
        session, a, a_classes, {"Lá 1": 8, "Chồi 1": 6, "Mầm 1": 2}, A_THIS_WEEK, ids, THIS_WEEK
    )
    await _wave(session, a, a_classes, {"Mầm 1": 2}, A_AFTER, ids, None)
    b_classes = await _classes(session, b, ("Lá 1",))
    await _wave(session, b, b_classes, {"Lá 1": 10}, B_THIS_WEEK, ids, THIS_WEEK)
    c_classes = await _classes(session, c, ("Lá 1",))
    await _wave(session, c, c_classes, {"Lá 1": 5}, C_THIS_WEEK, ids, THIS_WEEK)
    seeded.principals = {
        "A": [await staff(session, a, f"p-{a.code}-{n}", channel) for n in (1, 2)],
        "B": [await staff(session, b, f"p-{b.code}-1", channel)],
    }
    await _tickets(session, a, b)
    await _posts(session, a)
    await session.flush()
    return seeded


async def _classes(
    session: AsyncSession, school: School, names: tuple[str, ...]
) -> dict[str, Classroom]:
    found = {
        name: Classroom(school_id=school.id, name=name, invite_code=f"{school.code[-4:]}{n}")
        for n, name in enumerate(names)
    }
    session.add_all(found.values())
    await session.flush()
    return found


async def _wave(
    session: AsyncSession,
    school: School,
    classes: dict[str, Classroom],
    invited: dict[str, int],
    responses: Sequence[tuple[str, int, tuple[int, ...], str, str]],
    ids: Iterator[int],
    week: Period | None,
) -> None:
    """A wave open over the week and released at its end; with no week, open from today on."""
    opens = local(week.start.day, 8) if week else local(23, 8)
    closes = local(week.end.day, 17) if week else local(30, 17)
    wave = Wave(
        school_id=school.id, survey_key="preschool_parents", survey_version=1,
        title="Khảo sát học kỳ I", opens_at=opens, closes_at=closes,
        invited_at=opens, created_at=opens, released_at=closes if week else None,
    )  # fmt: skip
    session.add(wave)
    await session.flush()
    parents: dict[str, list[Person]] = {}
    for class_name, count in invited.items():
        people = [Person(display_name=f"PH {next(ids)}", created_at=FOUNDED) for _ in range(count)]
        session.add_all(people)
        await session.flush()
        parents[class_name] = people
        session.add_all(
            WaveInvite(
                wave_id=wave.id, person_id=p.id, class_id=classes[class_name].id,
                invited_at=opens,
            )
            for p in people
        )  # fmt: skip
    answered = {name: 0 for name in invited}
    for class_name, day, levels, wishes, comment in responses:
        person = parents[class_name][answered[class_name]]
        answered[class_name] += 1
        session.add(
            CompletionReceipt(wave_id=wave.id, person_id=person.id, submitted_at=local(day))
        )
        answers = answers_of(levels, wishes, comment)
        class_id = classes[class_name].id
        if week is None:  # waiting for the class's others, or for the wave to close
            session.add(PendingResponse(wave_id=wave.id, class_id=class_id, answers=answers))
            continue
        response = Response(wave_id=wave.id, class_id=class_id)
        session.add(response)
        await session.flush()
        session.add_all(
            Answer(response_id=response.id, question_key=key, value=value)
            for key, value in answers.items()
        )


def answers_of(levels: tuple[int, ...], wishes: str, comment: str) -> dict[str, str]:
    """The stored answers of one response: every item of an element at the element's level."""
    answers = {"pakn_da_gui": "no", "overall": str(levels[-1]), "wishes": wishes}
    for level, element in zip(levels, ORDER, strict=False):
        for key in ELEMENT_ITEMS.get(element, ()):
            answers[key] = str(level)
    if comment:
        answers["comment"] = comment
    return answers


async def staff(
    session: AsyncSession, school: School, chat_id: str, channel: str, role: str = "principal"
) -> int:
    """A staff member (a principal by default) with a chat account; returns the person's id."""
    person = Person(display_name=f"Cán bộ {chat_id}", created_at=FOUNDED)
    session.add(person)
    await session.flush()
    session.add(
        ChatAccount(
            person_id=person.id, channel=channel, user_id=chat_id, chat_id=chat_id,
            created_at=FOUNDED,
        )
    )  # fmt: skip
    session.add(Membership(person_id=person.id, school_id=school.id, role=role, created_at=FOUNDED))
    return person.id


async def officer(
    session: AsyncSession, authority: Authority, chat_id: str, channel: str = "memory"
) -> int:
    """An officer of the authority with a chat account; returns the person's id."""
    person = Person(display_name=f"Cán bộ {chat_id}", created_at=FOUNDED)
    session.add(person)
    await session.flush()
    session.add(
        ChatAccount(
            person_id=person.id, channel=channel, user_id=chat_id, chat_id=chat_id,
            created_at=FOUNDED,
        )
    )  # fmt: skip
    session.add(Officer(person_id=person.id, authority_id=authority.id, created_at=FOUNDED))
    await session.flush()
    return person.id


async def _tickets(session: AsyncSession, a: School, b: School) -> None:
    """A: t1 on time, t2 late and still open, t3 open not due, t4 a sealed denunciation, t5
    concluded before the week. B: t6 on time."""
    rows = [
        (a, 1, "gop_y", local(16), date(2026, 11, 20), None, local(18), local(18)),
        (a, 2, "phan_anh", local(10), date(2026, 11, 19), date(2026, 11, 21), local(12), None),
        (a, 3, "phan_anh", local(18), date(2026, 11, 28), None, None, None),
        (a, 4, "to_cao", local(17), date(2026, 11, 25), None, None, None),
        (a, 5, "gop_y", local(2), date(2026, 11, 9), None, local(6), local(6)),
        (b, 1, "gop_y", local(18), date(2026, 11, 20), None, local(19), local(19)),
    ]
    for school, seq, kind, received, decide_due, resolve_due, decided, concluded in rows:
        ticket = Ticket(
            school_id=school.id, year=2026, seq=seq, lookup_code=f"LK{seq}", kind=kind,
            topic="bua_an", anonymous=False, handled_by="staff", channel="memory",
            text=f"Nội dung phiếu {seq}",
            status="resolved" if concluded else "accepted" if resolve_due else "received",
            received_at=received, acknowledged_at=received, decide_due=decide_due,
            resolve_due=resolve_due, decided_at=decided, concluded_at=concluded,
        )  # fmt: skip
        session.add(ticket)
        await session.flush()
        if kind == "to_cao":
            session.add(SealedSender(ticket_id=ticket.id, name=DENOUNCER, contact="0901234567"))


async def _posts(session: AsyncSession, a: School) -> None:
    """News 10/11 (2 sent) and 17/11 (3 sent, 1 failed); an announcement 19/11 (1 sent, 1
    unconfirmed); a survey reminder 18/11, which is neither."""
    posts = [
        ("news", local(10, 10), ["sent", "sent"]),
        ("news", local(17, 10), ["sent", "sent", "sent", "failed"]),
        ("announcement", local(19, 10), ["sent", "unconfirmed"]),
        ("reminder", local(18, 10), ["sent", "sent", "sent"]),
    ]
    for kind, at, outcomes in posts:
        broadcast = Broadcast(
            school_id=a.id, kind=kind, title=f"{kind} {at:%d/%m}", body={"text": "…"},
            status="done", send_at=at, released_at=at, recipients=len(outcomes), created_at=at,
        )  # fmt: skip
        session.add(broadcast)
        await session.flush()
        session.add_all(
            OutboxMessage(
                channel="memory", chat_id=f"parent-{n}", body=None, lane=2,
                broadcast_id=broadcast.id, status=status, attempts=1, not_before=at,
                created_at=at,
            )
            for n, status in enumerate(outcomes)
        )  # fmt: skip
