"""`hailong authority create|list|move` and `hailong school move`: the managing authorities.

Since 1 July 2025 a preschool is managed by the UBND of its xã, phường or đặc khu, under the
province's Sở GD&ĐT (Nghị định 142/2025/NĐ-CP); there is no district level. An authority is named
in the commands by its id or its name (as stored, or without diacritics when only one matches).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from bot.cli_errors import OperatorError, filled
from bot.cli_words import plural
from bot.school_terms import AUTHORITY_KINDS

if TYPE_CHECKING:
    from bot.settings import Settings

KIND_HELP = "province (Sở GD&ĐT), commune (UBND xã, phường, đặc khu) or other"


def add_commands(sub: Any) -> None:
    """Adds `hailong authority …` to the `hailong` parser."""
    authority = sub.add_parser("authority", help="managing authorities (Sở GD&ĐT, UBND xã/phường)")
    actions = authority.add_subparsers(metavar="ACTION")
    create = actions.add_parser("create", help="create an authority")
    create.add_argument("name", type=filled, help='in full, e.g. "Ủy ban nhân dân phường Sài Gòn"')
    create.add_argument("kind", choices=AUTHORITY_KINDS, help=KIND_HELP)
    create.add_argument("--parent", help="the authority above it (id or name)")
    create.set_defaults(command=cmd_authority_create)
    actions.add_parser("list", help="the tree, with schools and officers").set_defaults(
        command=cmd_authority_list
    )
    move = actions.add_parser("move", help="put an authority under another, or at the top")
    move.add_argument("authority", help="id or name")
    where = move.add_mutually_exclusive_group(required=True)
    where.add_argument("--parent", help="the authority above it (id or name)")
    where.add_argument("--top", action="store_true", help="no authority above it")
    move.set_defaults(command=cmd_authority_move)


def deprecated(old: str, new: str) -> None:
    """The one line an old spelling prints before it does what it always did."""
    print(f"hailong: {old} is deprecated; use {new}", file=sys.stderr)


async def cmd_authority_create(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import _database, _now
    from handlers.authorities.tree import AuthorityExists, authority_by_ref, create_authority

    async with _database(settings) as db, db.transaction() as session:
        parent = await authority_by_ref(session, args.parent) if args.parent else None
        known = False  # it exists already
        try:
            made = await create_authority(
                session, name=args.name, kind=args.kind, now=_now(), parent=parent
            )
        except AuthorityExists as exists:
            made, known = exists.twin, True
            if made.kind != args.kind:
                raise OperatorError(
                    f"{exists}, as {made.kind}, not {args.kind}",
                    "hailong authority list shows it; another authority needs another name",
                ) from None
        line = f"authority {made.id}{' exists already' if known else ''}: {made.name} ({made.kind})"
        if parent is not None:
            line += f", under {parent.id}: {parent.name}"
    print(line + (" (nothing changed)" if known else ""))
    return 0


async def cmd_authority_list(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import func, select

    from bot.cli import _database
    from bot.models.people import Officer
    from bot.models.schools import School
    from handlers.authorities.tree import load_tree

    async with _database(settings) as db, db.sessions() as session:
        tree = await load_tree(session)
        counted = select(School.authority_id, func.count()).group_by(School.authority_id)
        schools: dict[int | None, int] = {a: n for a, n in await session.execute(counted)}
        held = select(Officer.authority_id, func.count()).group_by(Officer.authority_id)
        officers: dict[int, int] = {a: n for a, n in await session.execute(held)}
        loose = schools.get(None, 0)
    if not tree.nodes:
        print("no authority yet: hailong authority create NAME KIND [--parent …]")
    for depth, node in tree.lines():
        print(
            f"{'  ' * depth}{node.id}\t{node.name}\t{node.kind}\t"
            f"{plural(schools.get(node.id, 0), 'school')}\t"
            f"{plural(officers.get(node.id, 0), 'officer')}"
        )
    if loose:
        have = "has" if loose == 1 else "have"
        print(f"{plural(loose, 'school')} {have} no managing authority (hailong school move)")
    return 0


async def cmd_authority_move(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import _database
    from handlers.authorities.tree import authority_by_ref, move_authority

    async with _database(settings) as db, db.transaction() as session:
        authority = await authority_by_ref(session, args.authority)
        parent = None if args.top else await authority_by_ref(session, args.parent)
        await move_authority(session, authority, parent)
        where = f"under {parent.id}: {parent.name}" if parent is not None else "at the top"
        line = f"authority {authority.id}: {authority.name}, {where}"
    print(line)
    return 0


async def cmd_school_move(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import _database
    from handlers.authorities.tree import authority_by_ref
    from handlers.setup import school_by_code

    async with _database(settings) as db, db.transaction() as session:
        school = await school_by_code(session, args.school)
        authority = await authority_by_ref(session, args.authority)
        school.authority_id = authority.id
        line = f"school {school.code}: managed by {authority.id}: {authority.name}"
    print(line)
    return 0
