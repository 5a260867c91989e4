"""`hailong report weekly|quarterly|district`: a school's or a district's report as a file.

The format is the file's extension: .xlsx, .csv (--csv-dialect), .png (the chart) or .docx (the
report draft; a school's only); any other is refused in one line, exit status 2. The period is
the last full week (weekly, district) or this quarter (quarterly), the week or quarter of --from,
or exactly --from to --to.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.cli_files import add_output_arguments, checked_out, dialect_of
from bot.clock import SystemClock
from bot.reports import FORMATS
from bot.settings import Settings

if TYPE_CHECKING:
    from handlers.reports.periods import Period

KINDS = {
    "weekly": "a school's week: indices with the change, participation, tickets, news",
    "quarterly": "a school's quarter; .docx is the report draft for the district",
    "district": "every school of a district side by side, with their average",
}


def add_commands(sub: Any) -> None:
    """Adds `hailong report …` to the `hailong` parser."""
    report = sub.add_parser("report", help="reports as XLSX, CSV, PNG or DOCX files")
    kinds = report.add_subparsers(metavar="KIND")
    for kind, about in KINDS.items():
        parser = kinds.add_parser(kind, help=about)
        parser.add_argument("--school", required=kind != "district", help="school code")
        if kind == "district":
            parser.add_argument("--district", help="district as stored (default: the school's)")
        parser.add_argument("--from", dest="start", help="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", help="YYYY-MM-DD (needs --from)")
        add_output_arguments(parser, formats_of(kind))
        parser.set_defaults(command=cmd_report, kind=kind)


async def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import _database
    from bot.reports import render
    from handlers.reports.addressee import addressee_of
    from handlers.reports.district import district_figures
    from handlers.reports.figures import school_figures
    from handlers.reports.files import district_forms, school_forms
    from handlers.setup import school_by_code
    from surveys.catalog import load_catalog

    checked_out(args.out, formats_of(args.kind), f"a {args.kind} report")
    if args.kind == "district" and not (args.district or args.school):
        raise ValueError("a district report needs --district or --school")
    today = SystemClock().now().astimezone(ZoneInfo(settings.timezone)).date()
    period = period_of(args.kind, args.start, args.end, today)
    catalog = load_catalog(settings.survey_dirs)
    async with _database(settings) as db, db.sessions() as session:
        school = await school_by_code(session, args.school) if args.school else None
        if args.kind == "district":
            name = args.district or (school.district if school else "")
            district = await district_figures(session, catalog, settings, name, period, today)
            forms = district_forms(district, settings)
        else:
            assert school is not None
            (figures,) = await school_figures(
                session, catalog, settings, [school], period, today, comments=True
            )
            forms = school_forms(figures, settings, today, addressee_of(school))
    render(
        args.out,
        sheets=forms.sheets,
        chart=forms.chart,
        document=forms.document,
        dialect=dialect_of(args),
    )
    print(f"{args.out}: {args.kind} report, {period.start} – {period.end}")
    return 0


def formats_of(kind: str) -> tuple[str, ...]:
    """The files a kind of report can be: a district's has no document."""
    return tuple(f for f in FORMATS if f != ".docx") if kind == "district" else FORMATS


def period_of(kind: str, start: str | None, end: str | None, today: date) -> Period:
    """The period the options name; ValueError says which option is wrong."""
    from handlers.reports.periods import Period, quarter_of, week_of

    first = _day("--from", start)
    last = _day("--to", end)
    whole = quarter_of if kind == "quarterly" else week_of
    if first is None:
        if last is not None:
            raise ValueError("--to needs --from")
        return quarter_of(today) if kind == "quarterly" else week_of(today).previous()
    if last is None:
        return whole(first)
    if last < first:
        raise ValueError(f"--to ({last}) is before --from ({first})")
    natural = whole(first)  # a range that is a whole week or quarter is compared like one
    return natural if (natural.start, natural.end) == (first, last) else Period(first, last)


def _day(option: str, text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{option}: {text!r} is not a date (YYYY-MM-DD)") from None
