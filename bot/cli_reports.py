"""`hailong report weekly|quarterly|authority`: a school's report or an authority's view as a file.

The format is the file's extension: .xlsx, .csv (--csv-dialect), .png (the chart) or .docx (the
report draft; a school's only); any other is refused in one line, exit status 2. The period is
the last full week (weekly, authority) or this quarter (quarterly), the week or quarter of
--from, or exactly --from to --to. `report district` is the old spelling of `report authority`
(its --district names an authority), kept with a warning.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.cli_dates import DAY_HELP, day
from bot.cli_errors import OperatorError
from bot.cli_files import add_output_arguments, checked_out, dialect_of
from bot.clock import SystemClock
from bot.reports.formats import FORMATS

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.models.schools import Authority, School
    from bot.settings import Settings
    from handlers.reports.periods import Period

KINDS = {
    "weekly": "a school's week: indices with the change, participation, tickets, news",
    "quarterly": "a school's quarter; .docx is the report draft for its managing authority",
    "authority": "every school beneath an authority side by side, ranked, against the target",
    "district": "deprecated: report authority",
}
VIEWS = ("authority", "district")


def add_commands(sub: Any) -> None:
    """Adds `hailong report …` to the `hailong` parser."""
    report = sub.add_parser("report", help="reports as XLSX, CSV, PNG or DOCX files")
    kinds = report.add_subparsers(metavar="KIND")
    for kind, about in KINDS.items():
        parser = kinds.add_parser(kind, help=about)
        if kind in VIEWS:  # one authority: named, or the school's
            which = parser.add_mutually_exclusive_group()
            which.add_argument(
                f"--{kind}",
                dest="authority",
                help="id or name (default: the school's managing authority, or the only top one)",
            )
            which.add_argument("--school", help="school code: its managing authority")
        else:
            parser.add_argument("--school", required=True, help="school code")
        parser.add_argument("--from", dest="start", type=day, help=DAY_HELP)
        parser.add_argument("--to", dest="end", type=day, help=f"{DAY_HELP} (needs --from)")
        add_output_arguments(parser, formats_of(kind))
        parser.set_defaults(command=cmd_report, kind=kind)


async def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import _database
    from bot.cli_authorities import deprecated
    from bot.reports import render
    from handlers.reports.addressee import addressee_of
    from handlers.reports.authority import authority_figures
    from handlers.reports.figures import school_figures
    from handlers.reports.files import authority_forms, school_forms
    from handlers.setup import school_by_code
    from surveys.catalog import load_catalog

    if args.kind == "district":
        deprecated("report district [--district …]", "report authority [--authority …]")
    article = "an" if args.kind[0] in "aeiou" else "a"
    checked_out(args.out, formats_of(args.kind), f"{article} {args.kind} report")
    today = SystemClock().now().astimezone(ZoneInfo(settings.timezone)).date()
    period = period_of(args.kind, args.start, args.end, today)
    catalog = load_catalog(settings.survey_dirs)
    async with _database(settings) as db, db.sessions() as session:
        school = await school_by_code(session, args.school) if args.school else None
        if args.kind in VIEWS:
            authority = await _authority_of(session, args.authority, school)
            view = await authority_figures(session, catalog, settings, authority, period, today)
            forms = authority_forms(view, settings)
        else:
            assert school is not None
            (figures,) = await school_figures(
                session, catalog, settings, [school], period, today, comments=True
            )
            forms = school_forms(
                figures, settings, today, addressee_of(school, figures.authority_name)
            )
    render(
        args.out,
        sheets=forms.sheets,
        chart=forms.chart,
        document=forms.document,
        dialect=dialect_of(args),
    )
    print(f"{args.out}: {args.kind} report, {period.start} – {period.end}")
    return 0


async def _authority_of(session: AsyncSession, ref: str | None, school: School | None) -> Authority:
    """The authority named, else the school's, else the only one at the top of the tree."""
    from handlers.authorities.tree import authority_by_ref, load_tree

    if ref:
        return await authority_by_ref(session, ref)
    if school is not None:
        if school.authority_id is None:
            raise LookupError(f"{school.code} has no managing authority (hailong school move)")
        return await authority_by_ref(session, str(school.authority_id))
    tops = (await load_tree(session)).children(None)
    if len(tops) != 1:
        names = "; ".join(f"{t.id}: {t.name}" for t in tops) or "none yet"
        raise ValueError(f"--authority: which one? (top authorities: {names})")
    return await authority_by_ref(session, str(tops[0].id))


def formats_of(kind: str) -> tuple[str, ...]:
    """The files a kind of report can be: an authority's view has no document."""
    return tuple(f for f in FORMATS if f != ".docx") if kind in VIEWS else FORMATS


def period_of(kind: str, first: date | None, last: date | None, today: date) -> Period:
    """The period the options name; OperatorError says which option is wrong."""
    from handlers.reports.periods import Period, quarter_of, week_of

    whole = quarter_of if kind == "quarterly" else week_of
    if first is None:
        if last is not None:
            raise OperatorError("--to needs --from", "give the first day with --from")
        return quarter_of(today) if kind == "quarterly" else week_of(today).previous()
    if first > today:
        raise OperatorError(
            f"--from {first} is after today ({today}): a report counts what has happened",
            "give a day up to today",
        )
    if last is None:
        return whole(first)
    if last < first:
        raise OperatorError(
            f"--to {last} is before --from {first}: a period ends after it starts",
            "swap them",
        )
    natural = whole(first)  # a range that is a whole week or quarter is compared like one
    return natural if (natural.start, natural.end) == (first, last) else Period(first, last)
