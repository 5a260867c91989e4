"""A copy of one's data as files: a readable text and JSON, sent after the request commits.

The right to have one's data provided (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15 Art. 4(1)(d),
Art. 15(2)(a)); Nghị định 356/2025/NĐ-CP Art. 5(3) allows 10 days for it, and the bot sends it at
once. Like a report's files (handlers/reports/chat.py), the files are written by the work runner
(`SendMyData`) outside the handling transaction and sent as documents; an app that cannot carry
files (Zalo) gets the readable text as messages instead (`Outbound.document_text`). The files stay
in `HAILONG_REPORTS_DIR/dulieu` only until the retention job removes them (handlers/retention.py).
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.channels.base import Outbound, platform_of
from bot.numbers import vi_number
from bot.routing import JobContext
from bot.settings import Settings
from bot.unit_of_work import Message
from handlers import notice, texts
from handlers.my_data import Case, MyData, collect

COPIES = "dulieu"  # the folder under HAILONG_REPORTS_DIR
FILE_STEM = "du-lieu-cua-toi"  # the name the parent sees
STAMP = "%Y%m%dT%H%M%S"  # UTC, in the stored file's name
_STAMPED = re.compile(rf"{FILE_STEM}-(\d{{8}}T\d{{6}})-[0-9a-f]+\.(?:txt|json)")


@dataclass(frozen=True)
class SendMyData:
    """A person's request for a copy of their data, answered in the chat it came from."""

    channel: str
    chat_id: str
    person_id: int


async def send_my_data(item: SendMyData, job: JobContext) -> Sequence[Message]:
    """Reads the person's data again, writes both files and returns the messages carrying them."""
    settings = job.services.settings
    async with job.reading() as session:
        data = await collect(session, item.person_id)
    if data is None:
        return [Message(item.channel, Outbound(item.chat_id, texts.MY_COPY_GONE))]
    now = job.services.clock.now()
    zone = ZoneInfo(settings.timezone)
    readable = as_text(data, settings, now)
    folder = settings.reports_dir / COPIES
    # when it was made, for the retention job, and a part that no one can guess
    stem = f"{FILE_STEM}-{now.astimezone(UTC):{STAMP}}-{secrets.token_hex(8)}"
    text_file, json_file = folder / f"{stem}.txt", folder / f"{stem}.json"
    body = json.dumps(as_json(data, settings, now), ensure_ascii=False, indent=2)
    await asyncio.to_thread(_write, {text_file: readable, json_file: body})
    made = now.astimezone(zone).strftime("%d/%m/%Y")
    return [
        Message(
            item.channel,
            Outbound(
                item.chat_id,
                texts.MY_COPY_TEXT_CAPTION.format(date=made),
                document=str(text_file),
                document_name=f"{FILE_STEM}.txt",
                document_text=readable,
            ),
        ),
        Message(
            item.channel,
            Outbound(
                item.chat_id,
                texts.MY_COPY_JSON_CAPTION,
                document=str(json_file),
                document_name=f"{FILE_STEM}.json",
                document_text=texts.MY_COPY_JSON_ELSEWHERE,
            ),
        ),
    ]


def made_at(file_name: str) -> datetime | None:
    """When a stored copy was made, from its name; None for a file that is no copy."""
    found = _STAMPED.fullmatch(file_name)
    return datetime.strptime(found[1], STAMP).replace(tzinfo=UTC) if found else None


def copy_failed(item: SendMyData) -> Sequence[Message]:
    """Tells the person the copy could not be made, rather than leaving them waiting."""
    return [Message(item.channel, Outbound(item.chat_id, texts.MY_COPY_FAILED))]


def as_json(data: MyData, settings: Settings, now: datetime) -> dict[str, Any]:
    """The copy for a program: plain values, times in ISO 8601 with their offset."""
    zone = ZoneInfo(settings.timezone)

    def at(value: datetime | None) -> str | None:
        return value.astimezone(zone).isoformat() if value else None

    return {
        "made_at": at(now),
        "notice_date": notice.CURRENT.published.isoformat(),
        "person": {"name": data.name, "since": at(data.since)},
        "chat_accounts": [
            {"app": _app(a.channel), "channel": a.channel, "user_id": a.user_id}
            | {"since": at(a.since)}
            for a in data.accounts
        ],
        "roles": [
            {"role": r.role, "school": r.school.name, "class": r.classroom, "since": at(r.since)}
            for r in data.roles
        ],
        "offices": [{"authority": o.authority, "since": at(o.since)} for o in data.offices],
        "consents": [
            {"purpose": c.purpose, "granted": c.granted, "at": at(c.at)}
            | {"notice_date": _notice_iso(c.notice_id)}
            for c in data.consents
        ],
        "surveys": [
            {"title": i.title, "invited_at": at(i.invited_at), "answered_at": at(i.answered_at)}
            for i in data.invitations
        ],
        "unfinished_surveys": [
            {"title": u.title, "answers": dict(u.answers)} for u in data.unfinished
        ],
        "tickets": [_case_json(case, at) for case in data.cases],
        "seen": [{"title": s.title, "at": at(s.at)} for s in data.seen],
        "notice": notice.full_text(data.schools, settings, data.authorities),
    }


def as_text(data: MyData, settings: Settings, now: datetime) -> str:
    """The copy for a person: the same contents in Vietnamese, then the notice in full."""
    zone = ZoneInfo(settings.timezone)

    def day(value: datetime | None) -> str:
        return value.astimezone(zone).strftime("%d/%m/%Y") if value else "–"

    def moment(value: datetime) -> str:
        return value.astimezone(zone).strftime("%d/%m/%Y %H:%M")

    accounts = [
        texts.MY_COPY_ACCOUNT.format(app=_app(a.channel), user_id=a.user_id, since=day(a.since))
        for a in data.accounts
    ]
    roles = [
        texts.MY_COPY_ROLE.format(
            role=texts.MY_COPY_ROLE_NAMES.get(r.role, r.role),
            place=f"{r.classroom} – {r.school.name}" if r.classroom else r.school.name,
            since=day(r.since),
        )
        for r in data.roles
    ] + [
        texts.MY_COPY_ROLE.format(
            role=texts.ROLE_NAMES["officer"], place=o.authority, since=day(o.since)
        )
        for o in data.offices
    ]
    consents = [
        texts.MY_COPY_CONSENT.format(
            at=moment(c.at),
            state=texts.CONSENT_GRANTED_WORD if c.granted else texts.CONSENT_WITHDRAWN_WORD,
            purpose=texts.PURPOSE_NAMES.get(c.purpose, c.purpose),
            notice=notice.date_of(c.notice_id) or "–",
        )
        for c in data.consents
    ]
    surveys = [
        texts.MY_COPY_SURVEY.format(
            title=i.title,
            invited=day(i.invited_at),
            answered=texts.MY_COPY_SURVEY_SENT.format(at=day(i.answered_at))
            if i.answered_at
            else texts.MY_COPY_SURVEY_NOT_SENT,
        )
        for i in data.invitations
    ]
    unfinished = [
        texts.MY_COPY_UNFINISHED_ONE.format(
            title=u.title, answers="; ".join(f"{k}: {v}" for k, v in u.answers) or "–"
        )
        for u in data.unfinished
    ]
    seen = [texts.MY_COPY_SEEN_ONE.format(title=s.title, at=day(s.at)) for s in data.seen]
    sections = [
        [texts.MY_COPY_TITLE, texts.MY_COPY_MADE.format(at=moment(now))],
        [texts.MY_COPY_NAME.format(name=data.name or "–", since=day(data.since))],
        _section(texts.MY_COPY_ACCOUNTS, accounts),
        _section(texts.MY_COPY_ROLES, roles),
        _section(texts.MY_COPY_CONSENTS, consents),
        _section(texts.MY_COPY_SURVEYS, surveys),
        _section(texts.MY_COPY_UNFINISHED, unfinished),
        _section(texts.MY_COPY_CASES, _cases_text(data.cases, day)),
        _section(texts.MY_COPY_SEEN, seen),
        [notice.full_text(data.schools, settings, data.authorities)],
    ]
    return "\n\n".join("\n".join(lines) for lines in sections) + "\n"


def _section(title: str, lines: Sequence[str]) -> list[str]:
    return [title, *(lines or [texts.MY_COPY_NONE])]


def _cases_text(cases: Sequence[Case], day: Callable[[datetime], str]) -> list[str]:
    lines = []
    for case in cases:
        lines.append(
            texts.MY_COPY_CASE.format(
                number=case.number,
                kind=texts.KIND_NAMES.get(case.kind, case.kind),
                topic=texts.TOPIC_NAMES.get(case.topic, case.topic),
                status=texts.TICKET_STATUS_NAMES.get(case.status, case.status),
                at=day(case.received_at),
            )
        )
        lines.append(
            texts.MY_COPY_CASE_WHO.format(
                name=case.name or "–",
                contact=case.contact or "–",
                photos=vi_number(len(case.photos)),
            )
        )
        lines.append(texts.MY_COPY_CASE_TEXT.format(text=case.text or "–"))
        lines += [
            texts.MY_COPY_CASE_STEP.format(
                at=day(step.at),
                action=texts.TICKET_ACTION_NAMES.get(step.action, step.action),
                note=f": {step.note}" if step.note else "",
            )
            for step in case.steps
        ]
    return lines


def _case_json(case: Case, at: Callable[[datetime], str | None]) -> dict[str, Any]:
    return {
        "number": case.number,
        "kind": case.kind,
        "topic": case.topic,
        "status": case.status,
        "received_at": at(case.received_at),
        "name": case.name,
        "contact": case.contact,
        "text": case.text,
        "photos": list(case.photos),  # the platform's file ids (Telegram) or URLs (Zalo)
        "steps": [{"at": at(s.at), "action": s.action, "note": s.note} for s in case.steps],
    }


def _app(channel: str) -> str:
    return texts.APP_NAMES.get(platform_of(channel), channel)


def _notice_iso(notice_id: str) -> str | None:
    version = notice.version_of(notice_id)
    return version.published.isoformat() if version else None


def _write(files: dict[Path, str]) -> None:
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
