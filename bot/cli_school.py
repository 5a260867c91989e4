"""`hailong school set`: a school's name and contact, which the notice on parents' data names.

The notice must name the controller of the data (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15
Art. 9(2)(b)): the school, and how parents reach it (handlers/notice.py).
"""

from __future__ import annotations

import argparse
from typing import Any

from bot.settings import Settings


def add_set_command(school: Any) -> None:
    """Adds `set` to the `hailong school` subcommands."""
    change = school.add_parser("set", help="a school's name and contact (shown to parents)")
    change.add_argument("--school", required=True, help="school code")
    change.add_argument("--name", help="full name, e.g. Trường Mầm non Hoa Sen")
    change.add_argument("--phone", help='e.g. "028 3822 1234" ("" clears it)')
    change.add_argument("--email", help='e.g. mn.hoasen@example.edu.vn ("" clears it)')
    change.add_argument("--address", help='street, ward, province ("" clears it)')
    change.set_defaults(command=cmd_school_set)


async def cmd_school_set(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import _database
    from handlers.setup import SchoolContact, school_by_code, set_school_contact

    contact = SchoolContact(args.name, args.phone, args.email, args.address)
    async with _database(settings) as db, db.transaction() as session:
        school = await school_by_code(session, args.school)
        set_school_contact(school, contact)
        shown = (school.code, school.name, school.contact_phone, school.contact_email)
        address = school.address
    code, name, phone, email = shown
    print(f"school {code}: {name}")
    print(f"phone: {phone or '-'}; email: {email or '-'}; address: {address or '-'}")
    return 0
