"""The notice on processing parents' data: its versions, what each consent still covers, its text.

Law 91/2025/QH15 has no article on a separate notice (Nghị định 13/2023 Art. 13 had one); what
a notice must say follows from Art. 9(2): consent is valid only when the person knows the kinds
of data and the purpose, the controller, and their rights and duties; Art. 4(1)(a) (the right to
know how their data is processed); Art. 3(3) (data kept only as long as the purpose needs); and
Nghị định 356/2025/NĐ-CP Art. 5(1) (the controller makes sure people know how to exercise their
rights); a consent that may cover sensitive data says so (NĐ 356 Art. 6(4): a ticket may tell
of a child's health). The apps that carry the messages are named because Telegram processes them
abroad (Law Art. 20(1)(c)).

A consent stays valid until the person changes it (Law Art. 9(4)(c)); consents given under
Nghị định 13/2023 before 2026 need not be asked again (Art. 39(1)). So a new version asks again
only for the purposes whose data or use it changes (`reasks`): consent is per purpose (Art.
9(4)(a)) and only informed consent counts (Art. 9(2)). Version 2 names the photos, the name and the
contact a ticket keeps, and how long, none of which version 1 told: its "feedback" consent is
asked again; "surveys" and "news" keep what the parent chose and they see the new text in /dulieu.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from bot.models.people import PURPOSES, ConsentEvent, Purpose
from bot.models.schools import School
from bot.settings import Settings
from handlers import texts

Standing = Literal["granted", "refused", "undecided", "stale"]


@dataclass(frozen=True)
class NoticeVersion:
    """One published notice: its number (on buttons), the id logged with each consent
    (`consent_events.notice_version`, never shown), the date parents see, and the purposes
    whose earlier consents it no longer covers."""

    number: int
    id: str
    published: date
    reasks: frozenset[Purpose] = frozenset()

    @property
    def date_text(self) -> str:
        """How parents see it: "05/12/2026" ("thông báo ngày 05/12/2026")."""
        return self.published.strftime("%d/%m/%Y")


NOTICES = (
    NoticeVersion(1, "2026-11-v1", date(2026, 11, 22)),
    NoticeVersion(2, "2026-12-v2", date(2026, 12, 5), frozenset({"feedback"})),
)
CURRENT = NOTICES[-1]
_BY_ID = {version.id: version for version in NOTICES}


def version_of(notice_id: str) -> NoticeVersion | None:
    """The version a consent was logged with; None for one this code does not know."""
    return _BY_ID.get(notice_id)


def covering(purpose: str) -> tuple[str, ...] | None:
    """The ids of the notices whose consent to `purpose` still holds: from the last that asked
    again for it on; None when every notice's does (one this code does not know counts as the
    oldest)."""
    since = _since(purpose)
    return None if since == NOTICES[0].number else tuple(v.id for v in NOTICES if v.number >= since)


def standing(event: ConsentEvent | None) -> Standing:
    """Where a person's latest decision on a purpose leaves it: a refusal stands, and a grant
    stands unless a later notice asks again for its purpose."""
    if event is None:
        return "undecided"
    return standing_of(event.purpose, event.granted, event.notice_version)


def standing_of(purpose: str, granted: bool, notice_id: str) -> Standing:
    """`standing` of a decision given by its parts."""
    if not granted:
        return "refused"
    version = version_of(notice_id) or NOTICES[0]
    return "granted" if version.number >= _since(purpose) else "stale"


def to_ask(decisions: dict[str, ConsentEvent | None]) -> list[Purpose]:
    """The purposes to ask about, in order: never decided, or granted under a notice since
    superseded for them."""
    return [p for p in PURPOSES if standing(decisions.get(p)) in ("undecided", "stale")]


def date_of(notice_id: str) -> str:
    """The date of the notice a consent was given under, as parents see it ("" if unknown)."""
    version = version_of(notice_id)
    return version.date_text if version else ""


def controllers(schools: Sequence[School]) -> str:
    """The schools as controllers of the data, each with how to reach it."""
    return "; ".join(
        texts.NOTICE_SCHOOL.format(name=school.name, contact=_contact(school))
        for school in _distinct(schools)
    )


def purpose_paragraph(purpose: str, settings: Settings) -> str:
    """What one purpose keeps, why and how long, as the consent question and the notice say."""
    return texts.PURPOSE_NOTICES[purpose].format(**periods(settings))


def periods(settings: Settings) -> dict[str, int]:
    """The retention periods the notice names (the settings the retention job keeps to)."""
    return {
        "survey_days": settings.retention_survey_days,
        "delivery_days": settings.retention_delivery_days,
        "message_days": settings.retention_days,
        "question_years": settings.retention_question_years,
        "case_years": settings.retention_case_years,
    }


def intro(schools: Sequence[School]) -> str:
    """The notice in short, before the first consent question."""
    return texts.CONSENT_INTRO.format(date=CURRENT.date_text, schools=controllers(schools))


def full_text(
    schools: Sequence[School], settings: Settings, authorities: Sequence[str] = ()
) -> str:
    """The whole current notice for these schools, and the authorities of an officer (in
    /dulieu and in the copy of one's data)."""
    controlling = [texts.NOTICE_CONTROLLER.format(schools=controllers(schools))] if schools else []
    if authorities:
        controlling.append(
            texts.NOTICE_CONTROLLER_OFFICE.format(authorities="; ".join(authorities))
        )
    return "\n\n".join(
        [
            texts.NOTICE_TITLE.format(date=CURRENT.date_text),
            "\n".join(controlling or [texts.NOTICE_CONTROLLER.format(schools="–")]),
            texts.NOTICE_DATA,
            "\n".join(
                [texts.NOTICE_PURPOSES]
                + [f"• {purpose_paragraph(purpose, settings)}" for purpose in PURPOSES]
            ),
            texts.NOTICE_KEPT.format(**periods(settings)),
            texts.NOTICE_PLATFORMS,
            texts.NOTICE_RIGHTS,
            texts.NOTICE_DUTIES,
        ]
    )


def _since(purpose: str) -> int:
    return max((v.number for v in NOTICES if purpose in v.reasks), default=NOTICES[0].number)


def _contact(school: School) -> str:
    parts = [
        template.format(**{key: value.strip()})
        for template, key, value in (
            (texts.NOTICE_PHONE, "phone", school.contact_phone),
            (texts.NOTICE_EMAIL, "email", school.contact_email),
            (texts.NOTICE_ADDRESS, "address", school.address),
        )
        if value and value.strip()
    ]
    return ", ".join(parts) or texts.NOTICE_NO_CONTACT


def _distinct(schools: Sequence[School]) -> list[School]:
    return list({school.id: school for school in schools}.values())
