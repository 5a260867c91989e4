"""Every routed button type, forged: unsigned, copied from another chat, and signed for a chat of
someone without the authority it needs. Each is refused politely and writes no domain row.

The cases are a table keyed by button type; the test checks it covers every type routed in
`surface.ROUTES`, so a button added later fails here until its forgery is covered too.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, text

from bot.app import App
from bot.channels.memory import MemoryChannel
from bot.clock import FixedClock
from bot.interactions import PAYLOAD_LIMIT, SIGNATURE_LENGTH, TOKEN_LENGTH, Button
from bot.models.broadcasts import Broadcast, BroadcastSeen, ClassGroup, NewsPost
from bot.models.messages import InboundMessage
from bot.models.people import ChatAccount, Membership
from bot.models.schema import metadata
from bot.models.tickets import Ticket
from bot.models.waves import SurveyRun
from handlers import surface, texts
from handlers.announcements import (
    AskSeen,
    CancelAnnouncement,
    ClassesChosen,
    EditAnnouncement,
    PickClass,
    PickWholeSchool,
    SendAnnouncement,
)
from handlers.asking import DropQuestion, SendQuestion
from handlers.corrections import FixCancel, FixField, FixName, FixPick, FixSave, FixTicket
from handlers.data_rights import AskDeleteMe, ChangeConsent, DeleteMe, ReadNotice, SendMyCopy
from handlers.deliveries import BroadcastReport, Seen, SentList
from handlers.groups import LinkGroup, LinkGroupOf
from handlers.help import MenuItem
from handlers.linking import LinkAnotherApp, Unlink
from handlers.news import (
    NewsCancel,
    NewsNew,
    NewsNoLink,
    NewsPublish,
    NewsSchedule,
    NewsUnschedule,
    NewsView,
)
from handlers.notice import CURRENT
from handlers.onboarding import ConfirmJoin, Consent
from handlers.reports.chat import Report, ReportRange
from handlers.surveys import (
    ChangeRun,
    ConfirmEdit,
    DoneTicking,
    EditAnswer,
    PickAnswer,
    SkipAnswer,
    SubmitRun,
    TickAnswer,
)
from handlers.tickets.follow import AddTicketInfo, AskRating, MyTicket, RateTicket
from handlers.tickets.intake import (
    DropFeedback,
    FeedbackConcerns,
    FeedbackConsent,
    FeedbackKind,
    FeedbackNamed,
    FeedbackSchool,
    FeedbackTopic,
    SendFeedback,
)
from handlers.tickets.staff import (
    TicketAccept,
    TicketAssign,
    TicketAssignTo,
    TicketClose,
    TicketExtend,
    TicketForward,
    TicketIdentity,
    TicketMessage,
    TicketPhotos,
    TicketRefuse,
    TicketResolve,
    TicketResultCancel,
    TicketResultEdit,
    TicketResultSend,
    TicketTake,
    TicketView,
)
from handlers.waves import (
    NewWave,
    StartSurvey,
    WaveCancel,
    WaveClassesDone,
    WaveClassTick,
    WaveDays,
    WaveOpen,
    WaveResults,
    WaveSurvey,
    WaveWholeSchool,
)
from surveys.fields import KEY_MAX
from tests.chat import ChatUser, sign_for
from tests.factories import SchoolSetup, make_school, open_wave
from tests.handlers.posting_helpers import TEXT, in_group, parent, staff
from tests.handlers.tickets.helpers import submit

# what the sender and the dispatcher own; every other table holds the domain
NOT_DOMAIN = {"app_keys", "dialogs", "inbound_messages", "outbox_messages", "unreachable_chats"}
GROUP, OTHER_GROUP = "-100501", "-100502"


@dataclass
class World:
    """Two schools, their people, and one of each object a button can name (all of school A)."""

    a: SchoolSetup
    b: SchoolSetup
    users: dict[str, ChatUser]
    ticket: int
    announcement: int
    post: int
    scheduled: int
    wave: int
    run: str  # p1's run of the wave
    other_account: int
    teacher: int  # school A's teacher, a person a ticket may be assigned to


@dataclass(frozen=True)
class Case:
    """A plausible button, who may use it, who may not, and what the latter is told."""

    button: Callable[[World], Button]
    owner: str
    attacker: str
    refusal: str


STALE = texts.STALE_BUTTON
# flow buttons whose attacker has that flow open, so the handler itself must refuse them
ATTACKER_IN_FLOW = {PickClass, PickWholeSchool, FeedbackSchool}


def on_ticket(kind: Callable[[int], Button]) -> Case:
    """A staff action on school A's ticket, forged by school B's principal."""
    return Case(lambda w: kind(w.ticket), "pa", "pb", texts.TICKET_NOT_FOUND)


def on_run(button: Callable[[World], Button]) -> Case:
    """A tap on p1's survey run, forged by a parent of school B."""
    return Case(button, "p1", "p2", texts.RUN_GONE)


# owners: pa (principal of A, writing news), pa2 (principal of A, launching a wave), ta (teacher of
# A's two classes, writing an announcement), p1 (parent of A: a ticket, an announcement, a feedback
# draft open), pj (typed A's class code: joining). Attackers: pb and tb (principal and teacher of
# B; tb is writing an announcement), p2 (parent of B, a feedback draft open), s0 (nobody).
CASES: dict[type[Button], Case] = {
    ConfirmJoin: Case(lambda w: ConfirmJoin(yes=True), "pj", "s0", STALE),
    Consent: Case(lambda w: Consent("surveys", yes=True, notice=CURRENT.number), "p1", "s0", STALE),
    ChangeConsent: Case(
        lambda w: ChangeConsent("news", grant=False), "p1", "s0", texts.MY_DATA_NONE
    ),
    AskDeleteMe: Case(lambda w: AskDeleteMe(), "p1", "s0", texts.MY_DATA_NONE),
    ReadNotice: Case(lambda w: ReadNotice(), "p1", "s0", texts.MY_DATA_NONE),
    SendMyCopy: Case(lambda w: SendMyCopy(), "p1", "s0", texts.MY_DATA_NONE),
    FixName: Case(lambda w: FixName(), "p1", "s0", texts.MY_DATA_NONE),
    FixTicket: Case(lambda w: FixTicket(), "p1", "s0", texts.MY_DATA_NONE),
    FixPick: Case(lambda w: FixPick(w.ticket), "p1", "p2", STALE),
    FixField: Case(lambda w: FixField("contact"), "p1", "p2", STALE),
    FixSave: Case(lambda w: FixSave(), "p1", "p2", STALE),
    FixCancel: Case(lambda w: FixCancel(), "p1", "p2", STALE),
    DeleteMe: Case(lambda w: DeleteMe(yes=True), "p1", "s0", texts.MY_DATA_NONE),
    LinkAnotherApp: Case(lambda w: LinkAnotherApp(), "p1", "s0", texts.MY_DATA_NONE),
    Unlink: Case(lambda w: Unlink(w.other_account), "p1", "p2", STALE),
    NewWave: Case(lambda w: NewWave(w.a.school.id), "pa2", "pb", texts.STAFF_ONLY),
    WaveSurvey: Case(lambda w: WaveSurvey("pulse"), "pa2", "pb", STALE),
    WaveDays: Case(lambda w: WaveDays(7), "pa2", "pb", STALE),
    WaveClassTick: Case(lambda w: WaveClassTick(w.a.classes["Lá 1"].id), "pa2", "pb", STALE),
    WaveWholeSchool: Case(lambda w: WaveWholeSchool(), "pa2", "pb", STALE),
    WaveClassesDone: Case(lambda w: WaveClassesDone(), "pa2", "pb", STALE),
    WaveOpen: Case(lambda w: WaveOpen(), "pa2", "pb", STALE),
    WaveCancel: Case(lambda w: WaveCancel(), "pa2", "pb", STALE),
    WaveResults: Case(lambda w: WaveResults(w.wave), "pa", "pb", texts.STAFF_ONLY),
    FeedbackConsent: Case(lambda w: FeedbackConsent(yes=True), "p1", "s0", STALE),
    FeedbackSchool: Case(lambda w: FeedbackSchool(w.a.school.id), "p1", "p2", STALE),
    FeedbackKind: Case(lambda w: FeedbackKind("to_cao"), "p1", "s0", STALE),
    FeedbackTopic: Case(lambda w: FeedbackTopic("bua_an"), "p1", "s0", STALE),
    FeedbackConcerns: Case(lambda w: FeedbackConcerns(leaders=True), "p1", "s0", STALE),
    FeedbackNamed: Case(lambda w: FeedbackNamed(anonymous=True), "p1", "s0", STALE),
    SendFeedback: Case(lambda w: SendFeedback(), "p1", "s0", STALE),
    DropFeedback: Case(lambda w: DropFeedback(), "p1", "s0", STALE),
    MyTicket: Case(lambda w: MyTicket(w.ticket), "p1", "p2", STALE),
    AddTicketInfo: Case(lambda w: AddTicketInfo(w.ticket), "p1", "p2", STALE),
    AskRating: Case(lambda w: AskRating(w.ticket), "p1", "p2", STALE),
    RateTicket: Case(lambda w: RateTicket(w.ticket, 1), "p1", "p2", STALE),
    TicketView: on_ticket(TicketView),
    TicketTake: on_ticket(TicketTake),
    TicketAccept: on_ticket(TicketAccept),
    TicketResolve: on_ticket(TicketResolve),
    TicketForward: on_ticket(TicketForward),
    TicketRefuse: on_ticket(TicketRefuse),
    TicketMessage: on_ticket(TicketMessage),
    TicketClose: on_ticket(TicketClose),
    TicketExtend: on_ticket(TicketExtend),
    TicketAssign: on_ticket(TicketAssign),
    TicketIdentity: on_ticket(TicketIdentity),
    TicketPhotos: on_ticket(TicketPhotos),
    TicketResultSend: Case(lambda w: TicketResultSend(), "pa", "pb", STALE),
    TicketResultEdit: Case(lambda w: TicketResultEdit(), "pa", "pb", STALE),
    TicketResultCancel: Case(lambda w: TicketResultCancel(), "pa", "pb", STALE),
    TicketAssignTo: Case(
        lambda w: TicketAssignTo(w.ticket, w.teacher), "pa", "pb", texts.TICKET_NOT_FOUND
    ),
    PickClass: Case(
        lambda w: PickClass(w.a.classes["Lá 1"].id), "ta", "tb", texts.ANNOUNCE_NOT_YOURS
    ),
    PickWholeSchool: Case(lambda w: PickWholeSchool(), "ta", "tb", texts.ANNOUNCE_NOT_YOURS),
    ClassesChosen: Case(lambda w: ClassesChosen(), "ta", "p2", STALE),
    AskSeen: Case(lambda w: AskSeen(yes=True), "ta", "p2", STALE),
    SendAnnouncement: Case(lambda w: SendAnnouncement(), "ta", "p2", STALE),
    EditAnnouncement: Case(lambda w: EditAnnouncement(), "ta", "p2", STALE),
    CancelAnnouncement: Case(lambda w: CancelAnnouncement(), "ta", "p2", STALE),
    SentList: Case(lambda w: SentList(), "ta", "p2", texts.STAFF_ONLY),
    BroadcastReport: Case(lambda w: BroadcastReport(w.announcement), "ta", "pb", texts.STAFF_ONLY),
    Seen: Case(lambda w: Seen(w.announcement), "p1", "p2", STALE),
    LinkGroup: Case(lambda w: LinkGroup(), "ta", "p2", texts.STAFF_ONLY),
    LinkGroupOf: Case(
        lambda w: LinkGroupOf(w.a.classes["Lá 1"].id), "ta", "tb", texts.ANNOUNCE_NOT_YOURS
    ),
    NewsView: Case(lambda w: NewsView(w.post), "pa", "pb", STALE),
    NewsNew: Case(lambda w: NewsNew(), "pa", "ta", texts.NEWS_PRINCIPAL_ONLY),
    NewsNoLink: Case(lambda w: NewsNoLink(), "pa", "pb", STALE),
    NewsPublish: Case(lambda w: NewsPublish("now"), "pa", "pb", STALE),
    NewsCancel: Case(lambda w: NewsCancel(), "pa", "pb", STALE),
    NewsSchedule: Case(lambda w: NewsSchedule(), "pa", "p2", texts.STAFF_ONLY),
    NewsUnschedule: Case(lambda w: NewsUnschedule(w.scheduled), "pa", "pb", STALE),
    Report: Case(lambda w: Report("s", "w0"), "pa", "ta", texts.REPORT_FOR_STAFF),
    StartSurvey: Case(lambda w: StartSurvey(w.wave), "p1", "p2", STALE),
    PickAnswer: on_run(lambda w: PickAnswer(w.wave, w.run, 0, 3)),
    SkipAnswer: on_run(lambda w: SkipAnswer(w.wave, w.run, 0)),
    TickAnswer: on_run(lambda w: TickAnswer(w.wave, w.run, 0, 0)),
    DoneTicking: on_run(lambda w: DoneTicking(w.wave, w.run, 0)),
    SubmitRun: on_run(lambda w: SubmitRun(w.wave, w.run)),
    ChangeRun: on_run(lambda w: ChangeRun(w.wave, w.run)),
    EditAnswer: on_run(lambda w: EditAnswer(w.wave, w.run, 0)),
    ConfirmEdit: on_run(lambda w: ConfirmEdit(w.wave, w.run, yes=True)),
    ReportRange: Case(lambda w: ReportRange("s"), "pa", "ta", texts.REPORT_FOR_STAFF),
    # a menu entry is only its command: the command's own check refuses a parent the staff queue
    MenuItem: Case(lambda w: MenuItem("phieu"), "pa", "p2", texts.STAFF_ONLY),
    SendQuestion: Case(lambda w: SendQuestion(), "p1", "p2", STALE),
    DropQuestion: Case(lambda w: DropQuestion(), "p1", "p2", STALE),
}


def test_every_routed_button_type_has_a_forgery_case() -> None:
    routed = {route.kind for route in surface.ROUTES.buttons}
    assert routed - CASES.keys() == set(), "add a Case for each new button type"
    assert CASES.keys() - routed == set()


async def test_every_button_type_forged_is_refused_and_writes_nothing(
    app: App, memory: MemoryChannel, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    world = await build_world(app, memory, clock)
    routed = [route.kind for route in surface.ROUTES.buttons]
    for kind in routed:
        case = CASES[kind]
        button = case.button(world)
        owner, attacker = world.users[case.owner], world.users[case.attacker]
        before = await domain_rows(app)

        # (a) not signed at all, from the very chat that may use it
        told = await telling(memory, owner, owner.taps_payload(payload_of(button, owner)))
        assert told == [STALE], (kind, "unsigned")
        # (b) signed for another chat (the owner's), tapped by someone else
        stolen = sign_for(app, memory.name, owner.chat_id, payload_of(button, owner))
        told = await telling(memory, attacker, attacker.taps_payload(stolen))
        assert told == [STALE], (kind, "copied")
        # (c) signed for this chat, by someone without the authority it needs: past the
        # dispatcher's checks (unless it is a flow's button and no such flow is open there),
        # so the handler itself refuses
        logged = len(caplog.records)
        told = await telling(memory, attacker, attacker.taps_forged(button))
        assert case.refusal in told, (kind, "no authority", told)
        by_dispatcher = kind.flow is not None and kind not in ATTACKER_IN_FLOW
        refused = [r for r in caplog.records[logged:] if "tap refused" in r.getMessage()]
        assert len(refused) == by_dispatcher, (kind, refused)

        assert await domain_rows(app) == before, kind
    await assert_nothing_failed(app, caplog)


async def test_a_seen_tap_counts_only_in_a_group_the_announcement_went_to(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    world = await build_world(app, memory, clock)
    payload = Seen(world.announcement).encode()
    for group in (GROUP, OTHER_GROUP):
        signed = sign_for(app, memory.name, group, payload)
        await in_group(app, memory, clock, group, "p2", kind="choice", choice=signed)
    async with app.db.sessions() as session:
        seen = list(await session.execute(select(BroadcastSeen.channel, BroadcastSeen.user_id)))
        counted = [(row.channel, row.user_id) for row in seen]
    assert counted == [(memory.name, "p2")]  # once, from the group it was sent to
    notices = [m.notice for m in memory.sent if m.chat_id == OTHER_GROUP and m.kind == "ack"]
    assert notices == [STALE]


async def test_a_forged_join_joins_nothing(
    app: App, memory: MemoryChannel, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    """The issue's case: `join:<class_id>:yes` from any client, with or without a signature."""
    world = await build_world(app, memory, clock)
    class_id = world.a.classes["Lá 1"].id
    forged = f"join:{class_id}:yes"
    before = await domain_rows(app)
    stranger, parent_b = world.users["s0"], world.users["p2"]
    for user in (stranger, parent_b):
        await user.taps_payload(forged)
        assert user.last_reply == STALE
        await user.taps_signed(forged)
        assert user.last_reply == STALE
        await user.taps_forged(ConfirmJoin(yes=True))
        assert user.last_reply == STALE
    assert await domain_rows(app) == before
    # a parent who redeemed school B's code here joins that class, whatever the payload says
    await parent_b.says(f"/start {world.b.classes['Chồi 1'].invite_code}")
    await parent_b.taps_signed(forged + "~" + parent_b.flow_token)
    assert parent_b.last_reply == STALE
    await parent_b.taps("Đúng lớp")
    async with app.db.sessions() as session:
        joined = list(
            await session.scalars(
                select(Membership.class_id).where(Membership.person_id == await person(app, "p2"))
            )
        )
    assert set(joined) == {world.b.classes["Lá 1"].id, world.b.classes["Chồi 1"].id}
    await assert_nothing_failed(app, caplog)


GARBAGE = [
    "a:",
    "a:💥:<script>:-1",
    "a:zz:zz:zz:zz",
    "join:99999999999999999999:yes",
    "join:1:yes:extra",
    "seen:" + "9" * 60,
    "x" * 65,
    "tkview:1\x00",
    "\x00",
    "😀",
    "",
    ":::",
    "~",
    "tbsend~" + "A" * 8,
    "ttstars:1:6",
    "consent:everything:1",
]


@pytest.mark.parametrize("signed", [False, True], ids=["unsigned", "signed"])
async def test_garbage_payloads_get_the_stale_answer_and_never_raise(
    app: App,
    memory: MemoryChannel,
    clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
    signed: bool,
) -> None:
    setup = await make_school(app)
    member = await parent(app, memory, clock, setup, "p1")
    await open_wave(app, setup)
    before = await domain_rows(app)
    for payload in GARBAGE:
        tapped = sign_for(app, memory.name, "p1", payload) if signed else payload
        told = await telling(memory, member, member.taps_payload(tapped))
        assert told == [STALE], payload
        await in_group(app, memory, clock, GROUP, "p1", kind="choice", choice=tapped)
        assert memory.sent[-1].notice == STALE, payload
    assert await domain_rows(app) == before
    await assert_nothing_failed(app, caplog)


# --- the world ---------------------------------------------------------------------------------


async def build_world(app: App, memory: MemoryChannel, clock: FixedClock) -> World:
    """School A with its staff, a parent with a ticket, an announcement, news and a wave; school B
    with its principal, a teacher and a parent; open flows for the owners of flow buttons."""
    a = await make_school(app, "MN-A")
    b = await make_school(app, "MN-B")
    users = {
        "pa": await staff(app, memory, clock, a, "pa", "principal"),
        "pa2": await staff(app, memory, clock, a, "pa2", "principal"),
        "ta": await staff(app, memory, clock, a, "ta", "teacher", "Lá 1", "Chồi 1"),
        "pb": await staff(app, memory, clock, b, "pb", "principal"),
        "tb": await staff(app, memory, clock, b, "tb", "teacher", "Lá 1"),
        "p1": await parent(app, memory, clock, a, "p1"),
        "p2": await parent(app, memory, clock, b, "p2"),
        "pj": ChatUser(app, memory, clock, "pj"),
        "s0": ChatUser(app, memory, clock, "s0"),
    }
    p1, pa, ta = users["p1"], users["pa"], users["ta"]
    await submit(p1, "Phản ánh – kiến nghị", "Bữa ăn")
    await link_group(app, a)
    await ta.says("/thongbao")
    await ta.says(TEXT)
    await ta.taps("Lá 1")
    await ta.taps(texts.CONTINUE)
    await ta.taps(texts.SEEN_YES)
    await ta.taps(texts.SEND)
    await app.settle()
    post, scheduled = await news_of(app, a, pa)
    wave = await open_wave(app, a, "pulse")
    await p1.says("/khaosat")
    await p1.taps(texts.SURVEY_START)
    await users["pa2"].says("/khaosat")
    await users["pa2"].taps(texts.STAFF_NEW_WAVE)
    # the flows whose buttons are forged: open for their owners, and for two attackers
    await users["pj"].says(a.classes["Lá 1"].invite_code)
    await p1.says("/phananh")
    await ta.says("/thongbao")
    await ta.says(TEXT)
    await users["tb"].says("/thongbao")
    await users["tb"].says(TEXT)
    await users["p2"].says("/phananh")
    async with app.db.transaction() as session:
        account = ChatAccount(
            person_id=await person(app, "p1"),
            channel=memory.name,
            user_id="p1-other",
            chat_id="p1-other",
            created_at=clock.now(),
        )
        session.add(account)
        await session.flush()
        ticket = await session.scalar(select(Ticket.id))
        run = await session.scalar(select(SurveyRun.token))
        announcement = await session.scalar(
            select(Broadcast.id).where(Broadcast.kind == "announcement")
        )
    assert ticket is not None and announcement is not None and run is not None
    return World(
        a,
        b,
        users,
        ticket,
        announcement,
        post,
        scheduled,
        wave.id,
        run,
        account.id,
        await person(app, "ta"),
    )


async def link_group(app: App, setup: SchoolSetup) -> None:
    """A Telegram group of school A's Lá 1, so announcements to that class go there too."""
    now = app.services.clock.now()
    async with app.db.transaction() as session:
        session.add(
            ClassGroup(
                channel="memory",
                chat_id=GROUP,
                title="Phụ huynh Lá 1",
                class_id=setup.classes["Lá 1"].id,
                active=True,
                added_at=now,
                linked_at=now,
            )
        )


async def news_of(app: App, setup: SchoolSetup, principal: ChatUser) -> tuple[int, int]:
    """A post of school A's library, scheduled for tomorrow; then a new post being written."""
    async with app.db.transaction() as session:
        post = NewsPost(
            school_id=setup.school.id,
            title="Ăn sáng ở trường",
            text="Nhà trường phục vụ bữa sáng từ 7 giờ.",
            created_by=await person(app, principal.chat_id),
            created_at=app.services.clock.now() - timedelta(days=1),
        )
        session.add(post)
        await session.flush()
        post_id = post.id
    await principal.says("/tin")
    await principal.taps("Ăn sáng ở trường")
    await principal.taps(texts.NEWS_TOMORROW)
    async with app.db.sessions() as session:
        scheduled = await session.scalar(
            select(Broadcast.id).where(Broadcast.kind == "news", Broadcast.status == "scheduled")
        )
    assert scheduled is not None
    await principal.says("/tin")
    await principal.taps(texts.NEWS_NEW)
    await principal.says("Tuần lễ dinh dưỡng")
    await principal.says("Các cháu được học về bữa ăn cân bằng cả tuần này.")
    assert principal.choices == [texts.SKIP]
    return post_id, scheduled


# --- helpers ------------------------------------------------------------------------------------


def payload_of(button: Button, holder: ChatUser) -> str:
    """The button's payload as shown in `holder`'s chat (a flow's button with its flow token)."""
    payload = button.encode()
    return payload + "~" + holder.flow_token if type(button).flow is not None else payload


async def telling(memory: MemoryChannel, user: ChatUser, act: Awaitable[None]) -> list[str]:
    """What one chat is told (messages and short notices) while `act` runs."""
    start = len(memory.sent)
    await act
    return [m.text or m.notice for m in memory.sent[start:] if m.chat_id == user.chat_id]


async def domain_rows(app: App) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every domain table (sorted), and the broadcasts' recipient rows."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    async with app.db.sessions() as session:
        for table in metadata.sorted_tables:
            if table.name not in NOT_DOMAIN:
                found = await session.execute(select(table))
                rows[table.name] = sorted((tuple(map(repr, row)) for row in found), key=repr)
        recipients = await session.execute(
            text(
                "SELECT broadcast_id, channel, chat_id FROM outbox_messages "
                "WHERE broadcast_id IS NOT NULL ORDER BY id"
            )
        )
        rows["broadcast recipients"] = [tuple(row) for row in recipients]
    return rows


async def assert_nothing_failed(app: App, caplog: pytest.LogCaptureFixture) -> None:
    """No traceback was logged and no inbound was recorded as failed."""
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    async with app.db.sessions() as session:
        failed = await session.scalars(
            select(InboundMessage.id).where(InboundMessage.status == "failed")
        )
        assert list(failed) == []


async def person(app: App, chat_id: str) -> int:
    async with app.db.sessions() as session:
        found = await session.scalar(
            select(ChatAccount.person_id).where(ChatAccount.chat_id == chat_id)
        )
    assert found is not None
    return found


def test_the_longest_survey_key_fits_in_its_button() -> None:
    """A survey's key is the only text a button carries; the schema keeps it short enough."""
    longest = WaveSurvey("k" * KEY_MAX)
    assert len(longest.encode()) + SIGNATURE_LENGTH + 1 + TOKEN_LENGTH <= PAYLOAD_LIMIT
