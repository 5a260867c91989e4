"""`hailong school set`: a school's name and contact, which the notice on parents' data names,
whether it is in a remote area, which lengthens complaint limits, and its documents' heading.

The notice must name the controller of the data (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15
Art. 9(2)(b)): the school, and how parents reach it (handlers/notice.py). A school in a remote
area ("vùng sâu, vùng xa đi lại khó khăn") resolves complaints in 45 days, 60 if complex
(Luật Khiếu nại 2011, Art. 28). The documents' heading (Nghị định 30/2020/NĐ-CP, Phụ lục I,
mục II.3–4) numbers them "Số: …/BC-<abbreviation>" and dates them at a place
(handlers/reports/addressee.py).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.models.schools import School
    from bot.settings import Settings


def add_set_command(school: Any) -> None:
    """Adds `set` to the `hailong school` subcommands."""
    change = school.add_parser(
        "set", help="a school's name, contact (shown to parents), area, documents' heading"
    )
    change.add_argument("--school", required=True, help="school code")
    change.add_argument("--name", help="full name, e.g. Trường Mầm non Hoa Sen")
    change.add_argument("--phone", help='e.g. "028 3822 1234" ("" clears it)')
    change.add_argument("--email", help='e.g. mn.hoasen@example.edu.vn ("" clears it)')
    change.add_argument("--address", help='street, ward, province ("" clears it)')
    change.add_argument(
        "--remote-area",
        choices=["yes", "no"],
        help="in a remote area (vùng sâu, vùng xa): complaints get 45 days, 60 if complex "
        "(Luật Khiếu nại 2011, Art. 28)",
    )
    change.add_argument(
        "--doc-abbreviation",
        help='in its document numbers, "Số: …/BC-MNHS" ("" = the initials of its name)',
    )
    change.add_argument(
        "--doc-place", help='place its documents are dated at, e.g. "Sài Gòn" ("" = derived)'
    )
    change.set_defaults(command=cmd_school_set)


async def cmd_school_set(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import _database
    from handlers.authorities.tree import managing_authority
    from handlers.setup import SchoolContact, school_by_code, set_school_contact
    from handlers.tickets.remote import set_remote_area
    from handlers.tickets.store import Terms, number_of

    contact = SchoolContact(args.name, args.phone, args.email, args.address)
    contact_given = any(v is not None for v in (args.name, args.phone, args.email, args.address))
    heading_given = args.doc_abbreviation is not None or args.doc_place is not None
    if not contact_given and args.remote_area is None and not heading_given:
        raise ValueError(
            "nothing to set: give --name, --phone, --email, --address, --remote-area, "
            "--doc-abbreviation or --doc-place"
        )
    async with _database(settings) as db, db.transaction() as session:
        school = await school_by_code(session, args.school)
        authority = await managing_authority(session, school.id)
        heading = _set_heading(
            school, authority.name if authority else "", args.doc_abbreviation, args.doc_place
        )
        if contact_given:
            set_school_contact(school, contact)
        moved = []
        if args.remote_area is not None:
            moved = await set_remote_area(
                session, school, args.remote_area == "yes", Terms.of(settings)
            )
        if contact_given:
            print(f"school {school.code}: {school.name}")
            print(
                f"phone: {school.contact_phone or '-'}; email: {school.contact_email or '-'}; "
                f"address: {school.address or '-'}"
            )
        if args.remote_area is not None:
            area = "a remote area" if school.remote_area else "not a remote area"
            print(f"school {school.code}: {area}")
        for ticket in moved:
            print(f"{number_of(ticket)}: resolution now due {ticket.resolve_due:%Y-%m-%d}")
        if heading_given:
            print(heading)
    return 0


def _set_heading(
    school: School, authority: str, abbreviation: str | None, place: str | None
) -> str:
    """Sets what is given of the documents' heading; the heading as it now reads."""
    from bot.column_fit import fitting
    from bot.models.schools import School
    from handlers.reports.addressee import addressee_of, checked_abbreviation

    if abbreviation is not None:
        school.doc_abbreviation = checked_abbreviation(abbreviation)
    if place is not None:
        school.doc_place = fitting(place.strip(), School.doc_place, "--doc-place")
    heading = addressee_of(school, authority)
    dated = heading.place or "…… (set --doc-place)"
    return f"documents: Số: …/BC-{heading.abbreviation}; {dated}, ngày … tháng … năm …"
