"""The `hailong` command: run, demo, database, school setup, surveys.

It starts fast: this module and the parser load no database layer, web server, chat client or
report library; each command imports what it uses (tests/bot/test_cli_startup.py holds this).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.cli_authorities import add_commands as add_authority_commands
from bot.cli_authorities import cmd_school_move, deprecated
from bot.cli_dates import DAY_HELP, day
from bot.cli_errors import (
    OneLineParser,
    OperatorError,
    existing_file,
    filled,
    one_line,
    port,
    report,
)
from bot.cli_lists import add_commands as add_list_commands
from bot.cli_news import add_commands as add_news_commands
from bot.cli_reports import add_commands as add_report_commands
from bot.cli_school import add_set_command as add_school_set_command
from bot.cli_tickets import add_commands as add_ticket_commands
from bot.cli_words import plural
from bot.clock import Clock, SystemClock
from bot.school_terms import GRADES
from bot.stopping import StoppedBeforeServing, StopSignals, say_stopped

if TYPE_CHECKING:
    import asyncio

    from bot.channels.base import Channel
    from bot.db import Database
    from bot.models.schools import Authority, Classroom, School
    from bot.settings import Settings

# the demo's own file: never the deployment's database, whatever HAILONG_DATABASE_URL says
DEMO_DATABASE_URL = "sqlite+aiosqlite:///var/demo.db"
# how long a wave launched without --closes stays open
WAVE_DAYS = timedelta(days=14)


def main(argv: Sequence[str] | None = None, clock: Clock | None = None) -> int:
    """Parses the command line, loads the settings once and runs one subcommand.

    `clock` is what "today" is for the commands that read it (`args.clock`); the wall clock
    unless a test fixes it. A mistake is one line on stderr and exit status 2 (bot.cli_errors).
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "command"):
        parser.print_help()
        return 2
    args.signals = StopSignals()
    if getattr(args, "serves", False):  # run, demo: a stop signal is heard from here on
        args.signals.hear_early()
    try:
        return _command(args, clock)
    except StoppedBeforeServing:
        say_stopped(args.signals)
        return 0


def _command(args: argparse.Namespace, clock: Clock | None) -> int:
    """Loads the settings and runs the parsed command; a mistake is one line and status 2."""
    if args.command is None:  # `hailong doctor` loads the settings itself, to report each problem
        from bot.doctor import main as doctor

        return doctor()
    args.clock = clock or SystemClock()
    from bot.settings import SETTINGS_ERRORS, load_settings, settings_problem

    try:
        settings = load_settings()
    except SETTINGS_ERRORS as error:  # one line naming each variable; never the values given
        print(f"hailong: invalid settings: {settings_problem(error)}", file=sys.stderr)
        return 2
    from bot.logs import configure_logging

    configure_logging(settings.log_level, settings.log_format, settings.timezone)
    import asyncio

    try:
        with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
            code: int = runner.run(args.command(args, settings))
        return code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `hailong … | head`: the reader has what it wanted
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (stays open until the process ends)
        return 0
    except Exception as error:  # the one place a failure becomes what the operator reads
        return report(error, debug=settings.log_level == "DEBUG")


def event_loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop where it exists (not on Windows): the bot spends much of its time in the loop."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="hailong", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(metavar="COMMAND")
    run = sub.add_parser("run", help="run everything configured")
    run.add_argument(
        "--web-chat",
        action="store_true",
        help="also serve the web chat at / (the widget a school website embeds in an iframe)",
    )
    run.set_defaults(command=cmd_run, serves=True)
    demo = sub.add_parser("demo", help="SQLite, a seeded demo school and the web playground")
    demo.add_argument("--port", type=port, help="HTTP port (default HAILONG_HTTP_PORT)")
    demo.add_argument(
        "--database-url",
        help=f"the demo's database (default {DEMO_DATABASE_URL}, never HAILONG_DATABASE_URL)",
    )
    demo.set_defaults(command=cmd_demo, serves=True)

    doctor = sub.add_parser(
        "doctor", help="check the settings, database, bots, public URL and disk; say the fix"
    )
    doctor.set_defaults(command=None)  # runs apart from the others: see main

    db = sub.add_parser("db", help="database").add_subparsers(metavar="ACTION")
    db.add_parser("upgrade", help="apply migrations").set_defaults(command=cmd_db_upgrade)

    school = sub.add_parser("school", help="schools").add_subparsers(metavar="ACTION")
    create = school.add_parser("create", help="create a school")
    create.add_argument("--code", type=filled, required=True, help="short code, e.g. MN-HOASEN")
    create.add_argument("--name", type=filled, required=True, help="in full")
    create.add_argument("--authority", help="its managing authority (id or name)")
    create.add_argument("--district", help=argparse.SUPPRESS)  # deprecated: --authority
    create.add_argument(
        "--target", type=int, help="satisfaction target in %% (default HAILONG_SATISFACTION_TARGET)"
    )
    create.set_defaults(command=cmd_school_create)
    move = school.add_parser("move", help="set a school's managing authority")
    move.add_argument("--school", required=True, help="school code")
    move.add_argument("--authority", required=True, help="id or name")
    move.set_defaults(command=cmd_school_move)
    add_school_set_command(school)

    classes = sub.add_parser("class", help="classes").add_subparsers(metavar="ACTION")
    create = classes.add_parser("create", help="create a class and its parent invite code")
    create.add_argument("--school", required=True, help="school code")
    create.add_argument("--name", type=filled, required=True, help="e.g. Lá 1")
    create.add_argument("--grade", choices=GRADES, help="the children's age group")
    create.set_defaults(command=cmd_class_create)
    add_list_commands(school, classes)

    invite = sub.add_parser("invite", help="print invite codes, links and QR codes")
    # "district" is the old spelling of "officer" (deprecated)
    invite.add_argument("role", choices=["parent", "teacher", "principal", "officer", "district"])
    invite.add_argument("--school", help="school code (parent, teacher, principal)")
    invite.add_argument("--authority", help="id or name (officer)")
    invite.add_argument("--class", dest="class_name", help="class name (parent, teacher)")
    invite.add_argument("--qr", type=Path, help="write a QR code PNG here")
    invite.set_defaults(command=cmd_invite)

    roster = sub.add_parser("roster", help="rosters").add_subparsers(metavar="ACTION")
    load = roster.add_parser(
        "import", help="classes from a CSV or XLSX: school,class,grade[,authority]"
    )
    load.add_argument("file", type=existing_file)
    load.set_defaults(command=cmd_roster_import)

    survey = sub.add_parser("survey", help="surveys").add_subparsers(metavar="ACTION")
    survey.add_parser("list", help="list survey definitions").set_defaults(command=cmd_survey_list)
    check = survey.add_parser("validate", help="check survey YAML files")
    check.add_argument("files", type=existing_file, nargs="+")
    check.set_defaults(command=cmd_survey_validate)
    launch = survey.add_parser("launch", help="open a survey wave and invite parents")
    launch.add_argument("--school", required=True, help="school code")
    launch.add_argument("--survey", required=True, help="survey key, e.g. preschool_parents")
    launch.add_argument("--class", dest="classes", action="append", default=[], help="repeatable")
    launch.add_argument("--opens", type=day, help=f"{DAY_HELP} (default now)")
    launch.add_argument("--closes", type=day, help=f"{DAY_HELP} (default 14 days after it opens)")
    launch.add_argument(
        "--title", type=filled, help="what parents see (default the survey's own title)"
    )
    launch.set_defaults(command=cmd_survey_launch)
    results = survey.add_parser("results", help="SIPAS indices of a wave")
    results.add_argument("wave", type=int)
    results.set_defaults(command=cmd_survey_results)
    add_authority_commands(sub)
    add_ticket_commands(sub)
    add_news_commands(sub)
    add_report_commands(sub)
    return parser


async def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    await migrated(settings.database_url)
    print("database is up to date")
    return 0


async def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import create_app
    from bot.banner import banner_for
    from bot.serving import serve
    from handlers.tickets.workdays import calendar_from

    signals: StopSignals = args.signals
    signals.listen()
    try:
        calendar_from(settings.workdays_file)  # a broken override file stops here, with its line
        await migrated(settings.database_url, signals)
        app = create_app(settings, channels=_channels_to_run(settings, web_chat=args.web_chat))
        if not app.channels:
            print(
                "hailong: no channel configured (set HAILONG_TELEGRAM_TOKEN, HAILONG_ZALO_TOKEN "
                "or HAILONG_ZALO_BOTS)",
                file=sys.stderr,
            )
        signals.check()
        await serve(app, banner_for("run", app), signals)
    finally:
        signals.close()
    return 0


def _channels_to_run(settings: Settings, *, web_chat: bool) -> list[Channel] | None:
    """The configured channels, and the web chat when asked for (None: the app's default)."""
    from bot.channels.registry import configured_channels
    from bot.channels.web import WebChannel

    if not web_chat:
        return None
    return [*configured_channels(settings), WebChannel()]


async def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from bot.settings import async_database_url

    try:
        url = async_database_url(args.database_url) if args.database_url else DEMO_DATABASE_URL
    except ValueError as error:  # as HAILONG_DATABASE_URL is checked: the URL is never repeated
        raise OperatorError(f"--database-url: {error}") from None
    changes: dict[str, object] = {"database_url": url}
    if args.port is not None:
        changes["http_port"] = args.port
    settings = settings.model_copy(update=changes)
    _port_free(settings.http_host, settings.http_port)  # before the banner, not after it
    from bot.banner import banner_for
    from bot.demo import build_demo
    from bot.serving import serve

    signals: StopSignals = args.signals
    signals.listen()
    try:
        app = await build_demo(settings, signals)
        note = "the demo's own data (not HAILONG_DATABASE_URL; --database-url chooses another)"
        await serve(app, banner_for("demo", app, note=note), signals)
    finally:
        signals.close()
    return 0


def _port_free(host: str, port: int) -> None:
    """OperatorError if something listens on host:port already (as the server binds: reusing
    an address a closed connection still waits on)."""
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise OperatorError(
                f"cannot listen on {host}:{port}: {error.strerror or error}",
                f"stop what uses it, or choose another port: --port {port + 1}",
            ) from None


async def cmd_school_create(args: argparse.Namespace, settings: Settings) -> int:
    from handlers.authorities.tree import authority_by_ref, authority_named
    from handlers.setup import create_school, find_school

    if args.target is not None and not 1 <= args.target <= 100:
        raise OperatorError(f"--target {args.target}: a percentage from 1 to 100")
    if args.district is not None:
        deprecated("--district", "--authority (hailong authority create|list)")
        if args.authority:
            raise OperatorError("--district and --authority: give only --authority")
    async with _database(settings) as db, db.transaction() as session:
        authority = None
        if args.authority:
            authority = await authority_by_ref(session, args.authority)
        elif args.district and args.district.strip():  # the old text: an authority of that name
            authority = await authority_named(session, args.district, _now())
        school = await find_school(session, args.code)
        if school is not None:  # the same command run again changes nothing
            _same_school(school, args.name, authority, args.target)
            print(f"school {school.code} exists already: {school.name} (nothing changed)")
            return 0
        school = await create_school(
            session,
            code=args.code,
            name=args.name,
            authority=authority,
            now=_now(),
            target_percent=args.target or settings.satisfaction_target,
        )
        under = f", managed by {authority.id}: {authority.name}" if authority else ""
    print(f"school {school.code}: {school.name}{under}")
    return 0


def _same_school(
    school: School, name: str, authority: Authority | None, target: int | None
) -> None:
    """OperatorError naming what differs between an existing school and the one asked for."""
    code = school.code
    if name.strip() != school.name:
        raise OperatorError(
            f"school {code} exists already, named {school.name!r}",
            f"hailong school set --school {code} --name … renames it; "
            "a new school needs another --code",
        )
    if authority is not None and school.authority_id != authority.id:
        raise OperatorError(
            f"school {code} exists already, managed by authority {school.authority_id}",
            f"hailong school move --school {code} --authority … moves it",
        )
    if target is not None and target != school.target_percent:
        raise OperatorError(
            f"school {code} exists already, with the target {school.target_percent} %",
            "a school keeps the target it was created with; leave --target out",
        )


async def cmd_class_create(args: argparse.Namespace, settings: Settings) -> int:
    from handlers.setup import create_class, find_class, school_by_code

    async with _database(settings) as db, db.transaction() as session:
        school = await school_by_code(session, args.school)
        classroom = await find_class(session, school, args.name)
        again = classroom is not None
        if classroom is not None:  # the same command run again changes nothing
            _same_grade(classroom, args.grade, f"class {args.name!r} of {school.code}")
        else:
            classroom = await create_class(
                session, school=school, name=args.name, grade=args.grade or ""
            )
    exists = " (exists already)" if again else ""
    print(f"class {classroom.name} of {school.code}: parent code {classroom.invite_code}{exists}")
    return 0


def _same_grade(classroom: Classroom, grade: str | None, what: str) -> None:
    """OperatorError if an existing class has another grade than the one given."""
    if grade and grade != classroom.grade:
        raise OperatorError(
            f"{what} exists already, with grade {classroom.grade or '(none)'}, not {grade}",
            "a class keeps its grade; a new class needs another name",
        )


async def cmd_invite(args: argparse.Namespace, settings: Settings) -> int:
    from handlers.setup import class_by_name, create_staff_invite, school_by_code

    if args.role == "district":
        deprecated("invite district", "invite officer --authority …")
    whole = {"officer": "an authority", "district": "an authority", "principal": "the school"}
    if args.role in whole and args.class_name:
        raise OperatorError(
            f"a {args.role} invite is for {whole[args.role]}, not a class", "leave --class out"
        )
    if args.role in ("officer", "district"):
        return await _invite_officer(args, settings)
    if not args.school:
        raise ValueError(f"a {args.role} invite needs --school")
    if args.role not in whole and not args.class_name:
        raise OperatorError(
            f"a {args.role} invite needs --class",
            f"hailong class list --school {args.school} shows the classes",
        )
    async with _database(settings) as db, db.transaction() as session:
        school = await school_by_code(session, args.school)
        classroom = (
            await class_by_name(session, school, args.class_name) if args.class_name else None
        )
        if args.role == "parent" and classroom is not None:  # a parent's --class: checked above
            code, note = classroom.invite_code, "reusable by every parent of the class"
        else:
            ttl = timedelta(hours=settings.invite_ttl_hours)
            invite = await create_staff_invite(
                session, school=school, role=args.role, classroom=classroom, now=_now(), ttl=ttl
            )
            code = invite.code
            expires = invite.expires_at.astimezone(ZoneInfo(settings.timezone))
            note = f"single use, expires {expires:%d/%m/%Y %H:%M}"
        zalo = zalo_instructions(settings, school.code, code)
    await _print_code(args, settings, code, note, zalo)
    return 0


async def _invite_officer(args: argparse.Namespace, settings: Settings) -> int:
    """An officer code for an authority (or, the old way, for a school's managing authority)."""
    from sqlalchemy import select

    from bot.models.schools import Authority, School
    from handlers.authorities.officers import create_officer_invite
    from handlers.authorities.tree import authority_by_ref
    from handlers.setup import school_by_code

    if not (args.authority or (args.role == "district" and args.school)):
        raise ValueError("an officer invite needs --authority")
    async with _database(settings) as db, db.transaction() as session:
        if args.authority:
            authority = await authority_by_ref(session, args.authority)
        else:
            school = await school_by_code(session, args.school)
            found = await session.scalar(
                select(Authority)
                .join(School, School.authority_id == Authority.id)
                .where(School.id == school.id)
            )
            if found is None:
                raise LookupError(f"{school.code} has no managing authority (hailong school move)")
            authority = found
        ttl = timedelta(hours=settings.invite_ttl_hours)
        invite = await create_officer_invite(session, authority=authority, now=_now(), ttl=ttl)
        expires = invite.expires_at.astimezone(ZoneInfo(settings.timezone))
        note = f"single use, expires {expires:%d/%m/%Y %H:%M}; an officer of {authority.name}"
        code = invite.code
    zalo = "Zalo: send it as a message to the Zalo bot" if settings.zalo_endpoints() else ""
    await _print_code(args, settings, code, note, zalo)
    return 0


async def _print_code(
    args: argparse.Namespace, settings: Settings, code: str, note: str, zalo: str
) -> None:
    """The code, its Telegram link, how to join on Zalo and the web, and its QR code."""
    link = await telegram_link(settings, code)
    print(f"code: {code}  ({note})")
    print(f"Telegram: {link}" if link else "Telegram: set HAILONG_TELEGRAM_BOT_USERNAME for a link")
    if zalo:
        print(zalo)
    print(f"web: type {code} in the chat")
    if args.qr:
        args.qr.parent.mkdir(parents=True, exist_ok=True)
        import qrcode

        qrcode.make(link or code).save(str(args.qr))
        print(f"QR code: {args.qr}")


async def telegram_link(settings: Settings, code: str) -> str | None:
    """The t.me deep link for a code, if the bot's username is known or can be asked."""
    username = settings.telegram_bot_username
    if username is None and settings.telegram_token is not None:
        from bot.app import create_app

        app = create_app(settings)
        try:
            return await app.services.links(code)
        finally:
            await app.db.dispose()
    return f"https://t.me/{username}?start={code}" if username else None


def zalo_instructions(settings: Settings, school_code: str, code: str) -> str:
    """How a parent (or staff member) of the school joins on Zalo: the code typed to its bot."""
    endpoints = settings.zalo_endpoints()
    own = [e for e in endpoints if e.school == school_code]
    if own:
        return f"Zalo: send {code} as a message to the school's own Zalo bot ({own[0].name})"
    if any(e.school is None for e in endpoints):
        return f"Zalo: send {code} as a message to the Zalo bot"
    return f"Zalo: no bot for {school_code} (set HAILONG_ZALO_TOKEN or HAILONG_ZALO_BOTS)"


async def cmd_roster_import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.rosters import read_roster
    from handlers.authorities.tree import authority_by_ref
    from handlers.setup import create_class, find_class, school_by_code

    rows = list(read_roster(args.file))  # the whole file is checked before anything is written
    if not rows:
        raise OperatorError(
            f"{args.file}: no class under its heading row", "add a row for each class and import it"
        )
    created: list[str] = []
    managed: list[str] = []
    unchanged = 0
    async with _database(settings) as db, db.transaction() as session:
        for line, row in rows:
            try:
                school = await school_by_code(session, row["school"])
                if row["authority"]:
                    authority = await authority_by_ref(session, row["authority"])
                    if _manage(school, authority):
                        managed.append(
                            f"{school.code}: managed by {authority.id}: {authority.name}"
                        )
                classroom = await find_class(session, school, row["class"])
                if classroom is not None:  # imported before: the same file again changes nothing
                    _same_grade(classroom, row["grade"], f"class {row['class']!r} of {school.code}")
                    unchanged += 1
                    continue
                classroom = await create_class(
                    session, school=school, name=row["class"], grade=row["grade"]
                )
            except (LookupError, ValueError, OperatorError) as error:
                raise OperatorError(f"{args.file}:{line}: {error}") from None
            created.append(f"{school.code}\t{classroom.name}\t{classroom.invite_code}")
    if created or managed:
        summary = f"{plural(len(created), 'class', 'classes')} created, {unchanged} unchanged"
    else:
        summary = f"0 new, {unchanged} unchanged: {args.file} is imported already"
    print("\n".join([*created, *managed, summary]))
    return 0


async def cmd_survey_list(args: argparse.Namespace, settings: Settings) -> int:
    from surveys.catalog import load_catalog

    catalog = load_catalog(settings.survey_dirs)
    for latest in catalog.all():  # every version: waves opened on an older one go on with it
        for survey in catalog.versions(latest.key):
            new = "\tnew waves" if survey is latest else ""
            count = plural(len(survey.questions), "question")
            print(f"{survey.key}\tv{survey.version}\t{count}\t{survey.title}{new}")
    return 0


async def cmd_survey_validate(args: argparse.Namespace, settings: Settings) -> int:
    """Every problem of every file, each on its line "file:line: reason"; status 2 if any."""
    from surveys.catalog import check_survey

    failed = 0
    for path in args.files:
        survey, problems = check_survey(path)
        for problem in problems:
            print(one_line(str(problem)), file=sys.stderr)
        if survey is None:
            failed += 1
        else:
            count = plural(len(survey.questions), "question")
            print(f"{path}: ok ({survey.key} v{survey.version}, {count})")
    return 2 if failed else 0


async def cmd_survey_launch(args: argparse.Namespace, settings: Settings) -> int:
    from bot.column_fit import fitting
    from bot.models.waves import Wave
    from handlers.setup import class_by_name, school_by_code
    from handlers.waves import NoClassYet, WaveOverlaps, launch_wave
    from surveys.catalog import load_catalog

    zone = ZoneInfo(settings.timezone)
    now = args.clock.now()
    today = now.astimezone(zone).date()
    if args.opens is not None and args.opens < today:
        raise OperatorError(
            f"--opens {args.opens} is in the past (today is {today})",
            "leave --opens out to open the wave now",
        )
    opens = _local_midnight(args.opens, zone) if args.opens else now
    closes = _local_midnight(args.closes, zone) if args.closes else opens + WAVE_DAYS
    if args.closes is not None and closes <= max(opens, now):
        after = "today" if args.opens is None else f"--opens {args.opens}"
        raise OperatorError(
            f"--closes {args.closes} is not after {after}: a wave must close after it opens",
            "give a later --closes",
        )
    if args.title is not None:
        fitting(args.title, Wave.title, "--title")
    catalog = load_catalog(settings.survey_dirs)
    if args.survey not in catalog:
        keys = ", ".join(survey.key for survey in catalog.all())
        raise OperatorError(f"--survey {args.survey}: no such survey", f"one of: {keys}")
    async with _database(settings) as db, db.transaction() as session:
        school = await school_by_code(session, args.school)
        class_ids = [(await class_by_name(session, school, name)).id for name in args.classes]
        try:
            wave, invited = await launch_wave(
                session,
                catalog,
                school_id=school.id,
                survey_key=args.survey,
                class_ids=class_ids,
                opens_at=opens,
                closes_at=closes,
                now=now,
                title=args.title,
                settings=settings,
            )
        except NoClassYet:
            raise OperatorError(
                f"school {school.code} has no class yet: there is no parent to invite",
                f"add its classes first (hailong class create --school {school.code} …, or "
                "hailong roster import FILE)",
            ) from None
        except WaveOverlaps as overlap:
            twin = overlap.wave
            days = _days(twin.opens_at, twin.closes_at, zone)
            if (overlap.scope, days) == (overlap.asked, _days(opens, closes, zone)):
                print(f"wave {twin.id} exists already: {twin.title}, {days} (nothing changed)")
                return 0
            raise OperatorError(
                f"{args.survey} is open already for {', '.join(overlap.classes)} "
                f"in wave {twin.id}, {days}: parents would be invited twice",
                "give other classes with --class, or --opens after that wave closes",
            ) from None
    print(f"wave {wave.id}: {wave.title}, {_days(opens, closes, zone)}")
    print(
        f"{plural(invited, 'parent')} invited"
        if opens <= now
        else "parents will be invited when it opens"
    )
    print("invitations are sent by the running bot (hailong run)")
    return 0


@dataclass(frozen=True)
class _Days:
    """A wave's first and last day, local; shown as a person reads them."""

    opens: date
    closes: date

    def __str__(self) -> str:
        return f"{self.opens:%d/%m/%Y} – {self.closes:%d/%m/%Y}"


def _days(opens: datetime, closes: datetime, zone: ZoneInfo) -> _Days:
    return _Days(opens.astimezone(zone).date(), closes.astimezone(zone).date())


async def cmd_survey_results(args: argparse.Namespace, settings: Settings) -> int:
    from bot.models.waves import Wave
    from handlers.results import wave_score_text
    from surveys.catalog import load_catalog

    async with _database(settings) as db, db.sessions() as session:
        wave = await session.get(Wave, args.wave)
        if wave is None:
            raise OperatorError(f"no wave {args.wave}", "hailong survey launch opens one")
        text = await wave_score_text(
            session,
            load_catalog(settings.survey_dirs),
            wave,
            settings.scoring_method,
            settings.min_group_size,
        )
    print(text)
    return 0


async def migrated(database_url: str, signals: StopSignals | None = None) -> None:
    """Brings the database to the code's migrations; OperatorError, in one line naming the
    server (never the password), when it cannot be reached. With `signals` (run), a stop
    signal gives up waiting for the database, or lets the migrations finish, then ends it."""
    from bot.cli_database import newest_migration, reachable, refuse_newer
    from bot.db import make_sqlite_folder

    signals = signals or StopSignals()  # a setup command's: never listening
    make_sqlite_folder(database_url)  # a fresh checkout has no var/ yet
    revisions = await signals.waiting(reachable(database_url))
    if revisions == (newest_migration(),):
        return  # up to date: alembic (a tenth of a second to load) is not needed
    refuse_newer(revisions)
    from bot.migrate import upgrade

    await signals.writing(upgrade(database_url))


class _database:
    """A migrated database for one CLI command, disposed afterwards."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.db: Database | None = None

    async def __aenter__(self) -> Database:
        from bot.db import Database

        await migrated(self.settings.database_url)
        self.db = Database(self.settings.database_url)
        return self.db

    async def __aexit__(self, *exc: object) -> None:
        assert self.db is not None
        await self.db.dispose()


def _manage(school: School, authority: Authority) -> bool:
    """Puts a school without an authority under the roster's (True: it was put there); never
    moves one silently."""
    if school.authority_id is None:
        school.authority_id = authority.id
        return True
    if school.authority_id != authority.id:
        raise OperatorError(
            f"{school.code} is managed by authority {school.authority_id}, not by {authority.id}: "
            f"{authority.name}",
            "hailong school move changes it",
        )
    return False


def _now() -> datetime:
    return SystemClock().now()


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone)
