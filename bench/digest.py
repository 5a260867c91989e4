"""The weekly digest's figures for a ward of 100 schools and 1,000,000 answers, on PostgreSQL.

    python -m bench.digest --db postgresql+asyncpg://postgres@127.0.0.1:54330/hailong_bench

The database's schema is dropped and recreated, then filled with COPY: one ward of `--schools`
schools with four classes each and two released waves of the preschool questionnaire, one a week
(a response counts in the week its wave closed); responses spread over those two weeks (the week
reported and the week it is compared with) until
`--answers` answer rows exist (14 to 17 a response: the scale items, the handling items only for
those who sent feedback, the wishes, a comment now and then); 20 tickets and two news posts of 50
recipients per school. Every answer is in one of the two weeks, so the digest aggregates them all.

Timed (best and median of `--repeat` runs, after one warm-up run):
- the digest's figures for every school, as the job computes them in one go
  (`handlers.reports.figures.school_figures`: both weeks' indices and the change, participation by
  class, tickets, news);
- a plain `SELECT school, question, value, count(*) … GROUP BY` over the same answer rows: the floor
  under any SQL aggregation of them;
- rendering one school's chart and XLSX, which the job does per school after the figures.
One school's figures are checked against `surveys.scoring.score_wave` over its loaded rows.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from datetime import time as day_time
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from bench.machine import describe
from bot.db import Database
from bot.migrate import recreate
from bot.models.schools import School
from bot.models.waves import Answer, Response, Wave
from bot.settings import Settings
from handlers.reports.figures import SchoolFigures, school_figures
from handlers.reports.files import school_forms, write_forms
from handlers.reports.periods import week_of
from surveys.catalog import Catalog, load_catalog
from surveys.kinds import kind_of
from surveys.schema import Survey
from surveys.scoring import score_wave

WARD = "Ủy ban nhân dân phường Bench"  # every school's managing authority
TODAY = date(2026, 11, 23)
WEEK = week_of(TODAY).previous()
FIRST_DAY = WEEK.previous().start
CLASSES = 4
LEVELS = ("5", "5", "5", "4", "4", "4", "4", "3", "2", "1", "0")
HANDLING = ("pakn_xu_ly", "pakn_thong_bao")  # shown only after "yes" to pakn_da_gui
PLAIN = text(
    """
    SELECT w.school_id, a.question_key, a.value, count(*)
    FROM answers a
    JOIN responses r ON r.id = a.response_id
    JOIN waves w ON w.id = r.wave_id
    WHERE w.released_at IS NOT NULL AND w.closes_at BETWEEN :first AND :last
    GROUP BY w.school_id, a.question_key, a.value
    """
)
Row = tuple[Any, ...]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--db", required=True, help="a PostgreSQL database to drop and refill")
    parser.add_argument("--schools", type=int, default=100)
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not args.db.startswith("postgresql"):
        parser.error("--db must be a PostgreSQL URL")
    asyncio.run(run(args.db, args.schools, args.answers, args.repeat))


async def run(url: str, schools: int, answers: int, repeat: int) -> None:
    print(f"machine: {describe()}")
    await recreate(url)
    db = Database(url)
    catalog = load_catalog()
    settings = Settings(database_url=url, _env_file=None)
    started = time.perf_counter()
    counts = await fill(db, catalog.get("preschool_parents", 1), schools, answers)
    print(f"data: {counts}, written in {time.perf_counter() - started:.0f} s")
    found = await _schools(db)
    figures = await timed(repeat, lambda: _figures(db, catalog, settings, found))
    plain = await timed(repeat, lambda: _plain(db))
    (first,) = await _figures(db, catalog, settings, found[:1])
    render = await timed(repeat, lambda: _render(first, settings))
    print(f"digest figures, all {len(found)} schools: {_summary(figures)}")
    print(f"plain GROUP BY over the same answers:  {_summary(plain)}")
    print(f"figures / plain GROUP BY (best): {min(figures) / min(plain):.2f}")
    print(f"one school's chart and XLSX, rendered: {_summary(render)}")
    await check(db, catalog, settings, found[0])
    await db.dispose()


async def timed(repeat: int, work: Callable[[], Awaitable[object]]) -> list[float]:
    await work()  # warm: plans cached, pages in memory, as in a running bot
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        await work()
        times.append(time.perf_counter() - started)
    return times


def _summary(times: Sequence[float]) -> str:
    return f"best {min(times) * 1000:.0f} ms, median {statistics.median(times) * 1000:.0f} ms"


async def _schools(db: Database) -> list[School]:
    async with db.sessions() as session:
        return list(await session.scalars(select(School).order_by(School.id)))


async def _figures(
    db: Database, catalog: Catalog, settings: Settings, schools: Sequence[School]
) -> list[SchoolFigures]:
    async with db.sessions() as session:
        return await school_figures(session, catalog, settings, schools, WEEK, TODAY, comments=True)


async def _plain(db: Database) -> object:
    async with db.sessions() as session:
        first = datetime.combine(FIRST_DAY, day_time(), UTC)
        last = datetime.combine(WEEK.end, day_time(23, 59), UTC)
        return (await session.execute(PLAIN, {"first": first, "last": last})).all()


async def _render(figures: SchoolFigures, settings: Settings) -> object:
    with tempfile.TemporaryDirectory() as folder:
        return await write_forms(
            school_forms(figures, settings, TODAY), Path(folder), (".png", ".xlsx")
        )


async def check(db: Database, catalog: Catalog, settings: Settings, school: School) -> None:
    """One school's SQL-counted indices against the pure scoring of its loaded rows."""
    (figures,) = await _figures(db, catalog, settings, [school])
    async with db.sessions() as session:
        rows = await session.execute(
            select(Response.id, Answer.question_key, Answer.value)
            .join(Answer, Answer.response_id == Response.id)
            .join(Wave, Wave.id == Response.wave_id)
            .where(
                Wave.school_id == school.id,
                Wave.closes_at > datetime.combine(WEEK.start, day_time(), UTC),
            )
        )
        loaded: dict[str, dict[str, str]] = {}
        for response_id, key, value in rows:
            loaded.setdefault(response_id, {})[key] = value
    expected = score_wave(catalog.get("preschool_parents", 1), list(loaded.values()), 0)
    got = figures.surveys[0].score
    same = [e.index for e in got.elements] == [e.index for e in expected.elements]
    print(
        f"check {school.code}: {got.respondents} responses in the week, overall index "
        f"{got.overall_index:.4f} from SQL, {expected.overall_index:.4f} from the rows: "
        f"{'the same' if same and got.wishes == expected.wishes else 'DIFFERENT'}"
    )


# --- the data ------------------------------------------------------------------------------------


async def fill(db: Database, survey: Survey, schools: int, answers: int) -> dict[str, int]:
    """Writes the ward with COPY, then ANALYZE; returns how many rows of the big tables."""
    responses = _responses_for(survey, answers)
    ids = [str(uuid.UUID(int=random.Random(n).getrandbits(128))) for n in range(responses)]
    async with db.engine.begin() as connection:
        counts = await _copy_ward(connection, schools, ids)
        await _copy(connection, "answers", ("response_id", "question_key", "value"),
                    _answers(survey, ids, answers))  # fmt: skip
        await _copy_tickets_and_news(connection, schools)
    async with db.engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text("ANALYZE"))
    return {**counts, "answers": answers}


def _responses_for(survey: Survey, answers: int) -> int:
    """How many responses the answers fill (the draw is replayed when they are written)."""
    written = 0
    for count, response in enumerate(_drawn(survey)):
        if written >= answers:
            return count
        written += len(response)
    raise AssertionError("unreachable")


def _drawn(survey: Survey) -> Iterator[dict[str, str]]:
    """Responses as a parent might give them, the same every run."""
    draw = random.Random(2026)
    scale = [q.key for q in survey.questions if kind_of(q).scored]
    wishes = [o.value for o in survey.question("wishes").options]
    while True:
        sent = draw.random() < 0.3
        response = {k: draw.choice(LEVELS) for k in scale if sent or k not in HANDLING}
        response["pakn_da_gui"] = "yes" if sent else "no"
        chosen = draw.sample(wishes, draw.randint(1, 3))
        response["wishes"] = ",".join(w for w in wishes if w in chosen)
        if draw.random() < 0.1:
            response["comment"] = "Mong nhà trường thêm giờ đón trẻ buổi chiều."
        yield response


def _answers(survey: Survey, ids: Sequence[str], limit: int) -> Iterator[Row]:
    written = 0
    for response_id, response in zip(ids, _drawn(survey), strict=False):
        for key, value in response.items():
            if written == limit:
                return
            written += 1
            yield (response_id, key, value)


async def _copy(connection: AsyncConnection, table: str, columns: Sequence[str], rows: Any) -> None:
    raw = await connection.get_raw_connection()
    driver: Any = raw.driver_connection
    await driver.copy_records_to_table(table, records=rows, columns=list(columns))


async def _copy_ward(
    connection: AsyncConnection, schools: int, response_ids: Sequence[str]
) -> dict[str, int]:
    """Schools, classes, waves, invited parents (4 for every 3 responses), receipts, responses."""
    founded = datetime(2026, 9, 1, tzinfo=UTC)
    opens = datetime.combine(FIRST_DAY, day_time(), UTC)
    per_school = -(-len(response_ids) // schools)
    rows: dict[str, list[Row]] = {
        name: [] for name in ("people", "invites", "receipts", "responses")
    }
    for n in range(len(response_ids) * 4 // 3 + schools):
        school = n % schools + 1
        days = (n // schools) % 14
        # the first week's wave of a school is its number, the second's that plus `schools`
        wave = school + (schools if days >= 7 else 0)
        class_id = (school - 1) * CLASSES + (n // schools) % CLASSES + 1
        rows["people"].append((n + 1, "", founded))
        rows["invites"].append((wave, n + 1, class_id, opens))
        if n < len(response_ids):
            day = FIRST_DAY + timedelta(days=days)
            moment = datetime.combine(day, day_time(3), UTC)
            rows["receipts"].append((wave, n + 1, moment))
            rows["responses"].append((response_ids[n], wave, class_id))
    await _copy(
        connection,
        "authorities",
        ("id", "name", "kind", "created_at"),
        [(1, WARD, "commune", founded)],
    )
    schools_rows = [
        (s, f"MN-B{s:03d}", f"Trường Mầm non Số {s}", 1, 90, founded) for s in range(1, schools + 1)
    ]
    await _copy(
        connection,
        "schools",
        ("id", "code", "name", "authority_id", "target_percent", "created_at"),
        schools_rows,
    )
    await _copy(
        connection,
        "classes",
        ("id", "school_id", "name", "grade", "invite_code"),
        [
            ((s - 1) * CLASSES + c + 1, s, f"Lá {c + 1}", "la", f"B{s:03d}{c}")
            for s in range(1, schools + 1)
            for c in range(CLASSES)
        ],
    )
    await _copy(
        connection,
        "waves",
        (
            "id",
            "school_id",
            "survey_key",
            "survey_version",
            "title",
            "opens_at",
            "closes_at",
            "invited_at",
            "created_at",
            "released_at",
        ),
        [
            (
                s + week * schools,
                s,
                "preschool_parents",
                1,
                f"Khảo sát tuần {week + 1}",
                opens + timedelta(days=7 * week),
                opens + timedelta(days=7 * week + 6, hours=10),
                opens + timedelta(days=7 * week),
                founded,
                opens + timedelta(days=7 * week + 6, hours=11),
            )
            for week in (0, 1)
            for s in range(1, schools + 1)
        ],
    )
    await _copy(connection, "people", ("id", "display_name", "created_at"), rows["people"])
    await _copy(
        connection,
        "wave_invites",
        ("wave_id", "person_id", "class_id", "invited_at"),
        rows["invites"],
    )
    await _copy(
        connection,
        "completion_receipts",
        ("wave_id", "person_id", "submitted_at"),
        rows["receipts"],
    )
    await _copy(connection, "responses", ("id", "wave_id", "class_id"), rows["responses"])
    return {
        "schools": schools,
        "invited": len(rows["invites"]),
        "responses": len(rows["responses"]),
        "responses a school": per_school,
    }


async def _copy_tickets_and_news(connection: AsyncConnection, schools: int) -> None:
    """20 tickets a school (received over the month, half concluded); two news posts of 50."""
    tickets: list[Row] = []
    broadcasts: list[Row] = []
    outbox: list[Row] = []
    for s in range(1, schools + 1):
        for n in range(20):
            received = datetime.combine(TODAY - timedelta(days=n + 1), day_time(2), UTC)
            done = received + timedelta(days=2) if n % 2 else None
            tickets.append((
                len(tickets) + 1, s, 2026, n + 1, f"L{s}-{n}", "phan_anh", "bua_an", False,
                "staff", "zalo", "…", "[]", "resolved" if done else "received", received, received,
                (received + timedelta(days=10)).date(), done, done, 0,
            ))  # fmt: skip
        for n in range(2):
            at = datetime.combine(WEEK.start + timedelta(days=n * 3), day_time(3), UTC)
            broadcasts.append((len(broadcasts) + 1, s, "news", "Tin", '{"text": "…"}', "[]",
                               False, "", "done", at, 0, 50, at, at))  # fmt: skip
            outbox += [
                ("zalo", f"{s}-{n}-{r}", None, 2, len(broadcasts), "sent", 1, at, at)
                for r in range(50)
            ]
    await _copy(
        connection,
        "tickets",
        (
            "id",
            "school_id",
            "year",
            "seq",
            "lookup_code",
            "kind",
            "topic",
            "anonymous",
            "handled_by",
            "channel",
            "text",
            "photos",
            "status",
            "received_at",
            "acknowledged_at",
            "decide_due",
            "decided_at",
            "concluded_at",
            "extensions",
        ),
        tickets,
    )
    await _copy(
        connection,
        "broadcasts",
        (
            "id",
            "school_id",
            "kind",
            "title",
            "body",
            "class_ids",
            "seen_button",
            "quiet_hours",
            "status",
            "send_at",
            "repeat_days",
            "recipients",
            "created_at",
            "released_at",
        ),
        broadcasts,
    )
    await _copy(connection, "outbox_messages",
                ("channel", "chat_id", "body", "lane", "broadcast_id", "status", "attempts",
                 "not_before", "created_at"), outbox)  # fmt: skip


if __name__ == "__main__":
    main()
