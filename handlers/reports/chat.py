"""/baocao: a principal's school report, or an officer's view of the schools beneath their
authority.

This week (to date), last week, a typed date range, this or last quarter (with the DOCX draft);
an officer gets the schools beneath each authority they hold side by side, ranked, against the
target (handlers/reports/authority.py); which schools those are is decided by
`handlers.authorities.scope` alone. The text goes at once, saying the files follow; drawing the
files is left to the work runner (`RenderReport`), after the handling transaction has committed,
so it never holds that transaction (on SQLite, the write lock the inbox needs).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal
from zoneinfo import ZoneInfo

from bot.channels.base import Choice, Outbound
from bot.context import Context
from bot.interactions import Button, Flow, FlowState, choice
from bot.models.schools import Authority, School
from bot.routing import JobContext
from bot.unit_of_work import Message
from handlers import texts
from handlers.authorities.scope import OfficerScope, officer_scope
from handlers.people import places_of
from handlers.reports.addressee import addressee_of
from handlers.reports.authority import authority_figures
from handlers.reports.authority_view import authority_text
from handlers.reports.figures import school_figures
from handlers.reports.files import (
    Forms,
    attachments,
    authority_forms,
    school_forms,
    write_forms,
)
from handlers.reports.periods import Kind, Period, parse_typed_range, quarter_of, week_of
from handlers.reports.summary import school_text
from handlers.reports.wording import period_label

RANGE_LIMIT_DAYS = 366
Scope = Literal["s", "a"]
SCHOOL: Scope = "s"
AUTHORITY: Scope = "a"
Named = Literal["w0", "w1", "q0", "q1"]  # this or last week, this or last quarter
_FILES = {"week": (".png", ".xlsx"), "range": (".png", ".xlsx"), "quarter": (".docx", ".xlsx")}


@dataclass(frozen=True)
class Reader:
    """Whose reports someone may read: their school (principal), the schools beneath the
    authorities they hold (officer)."""

    school: School | None
    officer: OfficerScope | None

    def may(self, scope: Scope, authority: int) -> bool:
        if scope == SCHOOL:
            return self.school is not None
        return self.officer is not None and self.officer.holds(authority)


class AskingRange(FlowState):
    """A typed date range is awaited for the school's or an authority's report."""

    scope: Scope
    authority: int = 0


REPORT_RANGE = Flow("baocao", AskingRange, cancelled=texts.REPORT_CANCELLED)


class Report(Button, verb="report"):
    """A report of the reader's own school (s) or of an authority they hold (a) for a period;
    the authority is checked against the reader's scope, never taken on trust."""

    scope: Scope
    period: Named
    authority: int = 0


class ReportRange(Button, verb="reprange"):
    """Asks for the date range of a report of the reader's school or authority."""

    scope: Scope
    authority: int = 0


@dataclass(frozen=True)
class RenderReport:
    """The files of one /baocao report, drawn by the work runner once the reply has committed."""

    channel: str
    chat_id: str
    school_id: int | None  # a school's report, or
    authority_id: int | None  # the schools beneath an authority side by side
    kind: Kind
    start: date
    end: date
    today: date

    @property
    def period(self) -> Period:
        return Period(self.start, self.end, self.kind)

    @property
    def suffixes(self) -> tuple[str, ...]:
        """A school's quarter: the DOCX draft and the XLSX; otherwise the chart and the XLSX."""
        return _FILES[self.kind] if self.school_id is not None else (".png", ".xlsx")

    @property
    def files(self) -> str:
        """The files, named for the reader."""
        docx = ".docx" in self.suffixes
        return texts.REPORT_FILES_DOCX if docx else texts.REPORT_FILES_CHART


async def menu(ctx: Context) -> None:
    """Offers the reports this person may read; a typed range after /baocao goes straight there."""
    reader = await _reader(ctx)
    if reader is None:
        ctx.reply(texts.REPORT_FOR_STAFF)
        return
    held = reader.officer.authorities if reader.officer else ()
    typed = parse_typed_range(ctx.command_arg) if ctx.command_arg else None
    if typed is not None and typed.days <= RANGE_LIMIT_DAYS:
        if reader.school is not None:
            await _send(ctx, SCHOOL, reader.school, None, typed)
        else:
            await _send(ctx, AUTHORITY, None, held[0].id, typed)
        return
    choices: list[Choice] = []
    if reader.school is not None:
        choices += [
            choice(Report(SCHOOL, "w0"), texts.REPORT_THIS_WEEK),
            choice(Report(SCHOOL, "w1"), texts.REPORT_LAST_WEEK),
            choice(ReportRange(SCHOOL), texts.REPORT_PICK_RANGE),
            choice(Report(SCHOOL, "q0"), texts.REPORT_THIS_QUARTER),
            choice(Report(SCHOOL, "q1"), texts.REPORT_LAST_QUARTER),
        ]
    for authority in held:
        named = [
            (Report(AUTHORITY, "w1", authority.id), texts.REPORT_AUTHORITY_WEEK),
            (Report(AUTHORITY, "q0", authority.id), texts.REPORT_AUTHORITY_QUARTER),
            (ReportRange(AUTHORITY, authority.id), texts.REPORT_AUTHORITY_RANGE),
        ]
        for button, label in named:
            if len(held) > 1 or reader.school is not None:  # say which authority
                label = texts.REPORT_AUTHORITY_OF.format(label=label, authority=authority.name)
            choices.append(choice(button, label))
    place = reader.school.name if reader.school else ", ".join(a.name for a in held)
    ctx.reply(texts.REPORT_MENU.format(place=place), choices)


async def send_report(ctx: Context, tap: Report) -> None:
    """Sends the tapped period's report of the reader's own school or authority."""
    reader = await _reader(ctx)
    if reader is None or not reader.may(tap.scope, tap.authority):
        ctx.reply(texts.REPORT_FOR_STAFF)
        return
    period = _named_period(tap.period, _today(ctx))
    await _send(ctx, tap.scope, reader.school, tap.authority, period)


async def ask_range(ctx: Context, tap: ReportRange) -> None:
    """Asks for the date range to report on."""
    reader = await _reader(ctx)
    if reader is None or not reader.may(tap.scope, tap.authority):
        ctx.reply(texts.REPORT_FOR_STAFF)
        return
    ctx.start_flow(REPORT_RANGE, AskingRange(scope=tap.scope, authority=tap.authority))
    ctx.reply(texts.REPORT_ASK_RANGE.format(days=RANGE_LIMIT_DAYS, you=_you(tap.scope)))


async def typed(ctx: Context) -> None:
    """Takes the typed date range and sends that period's report."""
    reader = await _reader(ctx)
    asking = ctx.flow_state(REPORT_RANGE)
    if reader is None or asking is None or not reader.may(asking.scope, asking.authority):
        ctx.end_flow()
        ctx.reply(texts.REPORT_FOR_STAFF)
        return
    period = parse_typed_range(ctx.inbound.text)
    if period is None or period.days > RANGE_LIMIT_DAYS:
        ctx.reply(texts.REPORT_BAD_RANGE.format(days=RANGE_LIMIT_DAYS, you=_you(asking.scope)))
        return
    ctx.end_flow()
    await _send(ctx, asking.scope, reader.school, asking.authority, period)


async def _reader(ctx: Context) -> Reader | None:
    if ctx.person is None:
        return None
    places = await places_of(ctx.session, ctx.person.id, "principal")
    school = next((p.school for p in places), None)
    officer = await officer_scope(ctx.session, ctx.person.id)
    return Reader(school, officer) if school or officer else None


def _named_period(which: Named, today: date) -> Period:
    week, quarter = week_of(today), quarter_of(today)
    named = {"w0": week, "w1": week.previous(), "q0": quarter, "q1": quarter.previous()}
    return named[which]


async def _send(
    ctx: Context, scope: Scope, school: School | None, authority_id: int | None, period: Period
) -> None:
    """The report's text now; its files (chart and XLSX, or DOCX draft and XLSX) after commit."""
    services, today = ctx.services, _today(ctx)
    settings = services.settings
    if scope == SCHOOL:
        assert school is not None
        (figures,) = await school_figures(
            ctx.session, services.catalog, settings, [school], period, today, comments=True
        )
        text = school_text(figures, settings.min_group_size)
        item_school, item_authority = school.id, None
    else:
        authority = await ctx.session.get(Authority, authority_id)
        assert authority is not None
        try:
            view = await authority_figures(
                ctx.session, services.catalog, settings, authority, period, today
            )
        except LookupError:
            ctx.reply(texts.REPORT_NO_SCHOOLS.format(authority=authority.name))
            return
        text = authority_text(view, settings.min_group_size)
        item_school, item_authority = None, authority.id
    inbound = ctx.inbound
    item = RenderReport(
        inbound.channel,
        inbound.chat_id,
        item_school,
        item_authority,
        period.kind,
        period.start,
        period.end,
        today,
    )
    coming = texts.REPORT_FILES_COMING.format(files=item.files, you=_you(scope))
    ctx.reply(text + "\n\n" + coming)
    ctx.work.later(item)


async def render_report(item: RenderReport, job: JobContext) -> Sequence[Message]:
    """Reads the report's figures again and draws its files: the messages that carry them."""
    services = job.services
    settings = services.settings
    forms: Forms
    async with job.reading() as session:
        school = await session.get(School, item.school_id) if item.school_id else None
        if school is not None:
            (figures,) = await school_figures(
                session,
                services.catalog,
                settings,
                [school],
                item.period,
                item.today,
                comments=True,
            )
            forms = school_forms(
                figures, settings, item.today, addressee_of(school, figures.authority_name)
            )
        else:
            authority = await session.get(Authority, item.authority_id)
            if authority is None:
                raise LookupError(f"authority {item.authority_id} is gone")
            view = await authority_figures(
                session, services.catalog, settings, authority, item.period, item.today
            )
            forms = authority_forms(view, settings)
    written = await write_forms(forms, settings.reports_dir, item.suffixes)
    return [Message(item.channel, m) for m in attachments(forms, written, item.chat_id)]


def report_files_failed(item: RenderReport) -> Sequence[Message]:
    """Tells the reader the files could not be made, rather than leaving them waiting."""
    you = _you(SCHOOL if item.school_id else AUTHORITY)
    text = texts.REPORT_FILES_FAILED.format(
        files=item.files, period=period_label(item.period), you=you
    )
    return [Message(item.channel, Outbound(item.chat_id, text))]


def _you(scope: Scope) -> str:
    """The reader as the report's messages address them: a principal, or an officer."""
    return texts.REPORT_STAFF_YOU if scope == SCHOOL else texts.REPORT_OFFICER_YOU


def _today(ctx: Context) -> date:
    return ctx.now.astimezone(ZoneInfo(ctx.services.settings.timezone)).date()
