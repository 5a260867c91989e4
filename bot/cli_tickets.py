"""`hailong tickets …` and `hailong calendar …`: the ticket register, its figures, working days."""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING, Any

from bot.cli_dates import DAY_HELP
from bot.cli_dates import day as day_type
from bot.cli_errors import OperatorError, existing_file
from bot.cli_files import add_output_arguments, checked_out, dialect_of
from bot.clock import Clock
from bot.reports.formats import TABLE_FORMATS

if TYPE_CHECKING:
    from bot.settings import Settings
    from handlers.tickets.store import Terms


def add_commands(sub: Any) -> None:
    """Adds the ticket and calendar subcommands to the `hailong` parser."""
    tickets = sub.add_parser("tickets", help="feedback tickets").add_subparsers(metavar="ACTION")
    export = tickets.add_parser(
        "export", help="the register as CSV or XLSX, without sender identities"
    )
    _period_arguments(export)
    add_output_arguments(export, TABLE_FORMATS)
    export.set_defaults(command=cmd_tickets_export)
    kpi = tickets.add_parser("kpi", help="on-time rate and the other figures of a period")
    _period_arguments(kpi)
    kpi.set_defaults(command=cmd_tickets_kpi)

    calendar = sub.add_parser("calendar", help="working days").add_subparsers(metavar="ACTION")
    show = calendar.add_parser("show", help="the days off and worked weekend days of a year")
    show.add_argument("year", type=int)
    show.add_argument(
        "--file", type=existing_file, help="override file (default HAILONG_WORKDAYS_FILE)"
    )
    show.set_defaults(command=cmd_calendar_show)


def _period_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--school", required=True, help="school code")
    parser.add_argument(
        "--from", dest="start", type=day_type, help=f"{DAY_HELP} (default 1 January)"
    )
    parser.add_argument("--to", dest="end", type=day_type, help=f"{DAY_HELP} (default today)")


async def cmd_tickets_export(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import _database
    from bot.reports import render
    from bot.reports.model import Sheet
    from handlers import texts
    from handlers.setup import school_by_code
    from handlers.tickets.register import export_rows, school_facts
    from handlers.tickets.store import Terms

    checked_out(args.out, TABLE_FORMATS, "the register")
    terms = Terms.of(settings)
    today = _today(args.clock, terms)
    start, end = _period(args, today)
    async with _database(settings) as db, db.sessions() as session:
        school = await school_by_code(session, args.school)
        found = await school_facts(session, school.id, terms)
        rows = export_rows(found, start, end, terms, today)
    render(args.out, sheets=[Sheet(texts.EXPORT_SHEET, rows)], dialect=dialect_of(args))
    print(
        f"{len(rows) - 1} tickets of {school.code}, {start} – {end}{_as_of(end, today)}: {args.out}"
    )
    return 0


async def cmd_tickets_kpi(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import _database
    from handlers.setup import school_by_code
    from handlers.tickets.register import school_kpis
    from handlers.tickets.store import Terms
    from handlers.tickets.views import kpi_text

    terms = Terms.of(settings)
    today = _today(args.clock, terms)
    start, end = _period(args, today)
    async with _database(settings) as db, db.sessions() as session:
        school = await school_by_code(session, args.school)
        kpis = await school_kpis(session, school.id, start, end, terms, today)
    print(kpi_text(kpis, start, end, terms))
    return 0


async def cmd_calendar_show(args: argparse.Namespace, settings: Settings) -> int:
    from handlers.tickets.workdays import calendar_from

    calendar = calendar_from(args.file or settings.workdays_file)
    for day in calendar.days_off_in(args.year):
        if day.weekday() < 5 or calendar.why_off(day):
            print(f"{day:%Y-%m-%d} {day:%a}  off      {calendar.why_off(day)}")
    for day in calendar.worked_weekend_days_in(args.year):
        why = calendar.working_days.get(day) or "(holidays package)"
        print(f"{day:%Y-%m-%d} {day:%a}  worked   {why}")
    return 0


def _today(clock: Clock, terms: Terms) -> date:
    return terms.today(clock.now())


def _period(args: argparse.Namespace, today: date) -> tuple[date, date]:
    """--from and --to; a period reaching past today is counted as of today (see ticket_kpis)."""
    start: date = args.start or date(today.year, 1, 1)
    end: date = args.end or today
    if end < start and args.end:
        raise OperatorError(
            f"--to {end} is before --from {start}: a period ends after it starts", "swap them"
        )
    if start > today:
        raise OperatorError(
            f"--from {start} is after today ({today}): nothing has happened in it yet",
            "give a day up to today",
        )
    return start, end


def _as_of(end: date, today: date) -> str:
    return f" (due dates counted as of today, {today})" if end > today else ""
