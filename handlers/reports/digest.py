"""The weekly digest: each school's principals get last week's report (text, chart, XLSX).

It goes out at HAILONG_DIGEST_DAY / HAILONG_DIGEST_TIME (Monday 07:00 by default) and covers the
last full Monday-to-Sunday week before that moment; if the bot was down then, it goes as soon as
it is back. Exactly once per school and week, across restarts and replicas: the `digests` row,
unique on (school, week), is inserted in the transaction that queues the messages. A second run
(the job again, a restart, another replica) skips the schools that have one; two runs racing both
render, but only the one whose insert lands queues anything (on PostgreSQL the loser's insert
waits for the winner's commit, then inserts nothing), and the loser removes its files.

The figures are read, and the files drawn, outside any write transaction (on SQLite that would
hold the one write lock the inbox needs); only the claim and the messages are written, briefly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.base import Outbound
from bot.db import table_of, upsert_statements
from bot.models.digests import Digest
from bot.models.people import Membership
from bot.models.schools import School
from bot.routing import JobContext
from bot.settings import Settings
from handlers import texts
from handlers.audience import latest_accounts
from handlers.reports.figures import SchoolFigures, school_figures
from handlers.reports.files import attachments, discard, school_forms, write_forms
from handlers.reports.periods import Period, week_of
from handlers.reports.summary import school_text

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DIGEST_FILES = (".png", ".xlsx")
_DIGESTS = table_of(Digest)
_CLAIM = upsert_statements(
    lambda insert: (
        insert(_DIGESTS)
        .on_conflict_do_nothing(index_elements=["school_id", "week_start"])
        .returning(_DIGESTS.c.id)
    )
)


def due_week(now: datetime, settings: Settings) -> Period:
    """The week whose digest is due: the last full week before the latest digest moment."""
    zone = ZoneInfo(settings.timezone)
    local = now.astimezone(zone)
    hour, minute = (int(part) for part in settings.digest_time.split(":"))
    day = week_of(local.date()).start + timedelta(days=DAYS.index(settings.digest_day))
    moment = datetime.combine(day, time(hour, minute), zone)
    if local < moment:
        moment -= timedelta(days=7)
    return week_of(moment.date()).previous()


async def send_weekly_digests(job: JobContext) -> None:
    """Sends each school's principals the digest of the week that is due, once per school."""
    settings, now = job.services.settings, job.services.clock.now()
    week = due_week(now, settings)
    async with job.reading() as session:
        schools = await _waiting(session, week, ZoneInfo(settings.timezone))
        if not schools:  # the usual case: this week's digests are out
            return
        readers = await principals_of(session, [school.id for school in schools])
    unread = [school.id for school in schools if not readers.get(school.id)]
    if unread:  # no principal yet: nobody to send to, mark it done
        async with job.transaction() as work:
            for school_id in unread:
                await _claim(work.session, school_id, week, now)
    schools = [school for school in schools if readers.get(school.id)]
    today = now.astimezone(ZoneInfo(settings.timezone)).date()
    async with job.reading() as session:
        found = await school_figures(
            session, job.services.catalog, settings, schools, week, today, comments=True
        )
    for figures in found:
        await _send(job, figures, readers[figures.school_id], now)


async def principals_of(session: AsyncSession, school_ids: Sequence[int]) -> dict[int, list[int]]:
    """The principals (vice-principals too) of each school, by person id."""
    rows = await session.execute(
        select(Membership.school_id, Membership.person_id)
        .where(Membership.school_id.in_(school_ids), Membership.role == "principal")
        .order_by(Membership.id)
    )
    found: dict[int, list[int]] = {}
    for school_id, person_id in rows:
        found.setdefault(school_id, []).append(person_id)
    return found


async def _waiting(session: AsyncSession, week: Period, zone: ZoneInfo) -> list[School]:
    """Schools that existed in the week and have not had its digest."""
    sent = exists().where(Digest.school_id == School.id, Digest.week_start == week.start)
    _, after = week.bounds(zone)
    query = select(School).where(~sent, School.created_at < after).order_by(School.id)
    return list(await session.scalars(query))


async def _send(job: JobContext, figures: SchoolFigures, readers: list[int], now: datetime) -> None:
    """Renders the files, then claims the week and queues the messages in one transaction."""
    settings = job.services.settings
    forms = school_forms(figures, settings, now.astimezone(ZoneInfo(settings.timezone)).date())
    written = await write_forms(forms, settings.reports_dir, DIGEST_FILES)
    text = school_text(figures, settings.min_group_size) + "\n\n" + texts.REPORT_ATTACHED
    messages = [Outbound("", text), *attachments(forms, written)]
    async with job.transaction() as work:
        session = work.session
        digest_id = await _claim(session, figures.school_id, figures.period, now)
        if digest_id is None:
            discard(written)
            return
        accounts = await latest_accounts(session, readers)  # one query, not one a message
        reached = [accounts[person_id] for person_id in readers if person_id in accounts]
        for channel, chat_id in reached:
            for message in messages:
                work.send(channel, replace(message, chat_id=chat_id))
        await session.execute(
            update(Digest).where(Digest.id == digest_id).values(recipients=len(reached))
        )


async def _claim(session: AsyncSession, school_id: int, week: Period, now: datetime) -> int | None:
    """Inserts the school's row for the week; None if it has one already (sent, or being sent)."""
    row = {"school_id": school_id, "week_start": week.start, "sent_at": now, "recipients": 0}
    inserted = await session.execute(_CLAIM(session), row)
    return inserted.scalar_one_or_none()
