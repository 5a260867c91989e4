"""Every figure of the seeded province (dataset.py) equals its hand-computed value.

Each expected index is written as the fraction of the responses giving 4 or 5, counted by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from statistics import fmean
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App
from bot.models.schools import Authority
from bot.models.waves import Answer, Response, Wave
from handlers.authorities.tree import create_authority
from handlers.reports.authority import AuthorityFigures, authority_figures
from handlers.reports.figures import SchoolFigures, school_figures
from handlers.reports.periods import Period, quarter_of
from handlers.reports.survey_counts import reported_waves, tally_answers
from surveys.scoring import WaveScore, score_counts, score_wave
from tests.handlers.reports.dataset import (
    COMMENTS,
    FOUNDED,
    LAST_WEEK,
    OTHER_WARD,
    THIS_WEEK,
    WARD,
    Seeded,
)

TODAY = date(2026, 11, 23)
A_NOW = [5 / 6, 4 / 6, 5 / 5, 4 / 6, 5 / 6, 4 / 5]  # tiếp cận … PAKN, the wave closed 22/11
A_BEFORE = [3 / 5, 3 / 5, 4 / 5, 3 / 5, 4 / 5, 4 / 5]  # the wave closed 15/11
# the quarter to date: the two weeks' waves; the response of 23/11 waits in an open wave
A_QUARTER = [8 / 11, 7 / 11, 9 / 10, 7 / 11, 9 / 11, 8 / 10]


def percent(shares: list[float]) -> list[float]:
    return [100 * share for share in shares]


async def figures_of(app: App, seeded: Seeded, period: Period, *codes: str) -> list[SchoolFigures]:
    async with app.db.sessions() as session:
        return await school_figures(
            session,
            app.services.catalog,
            app.services.settings,
            [seeded.schools[code] for code in codes],
            period,
            TODAY,
            comments=True,
        )


async def authority_of(app: App, authority: Authority) -> AuthorityFigures:
    async with app.db.sessions() as session:
        return await authority_figures(
            session, app.services.catalog, app.services.settings, authority, THIS_WEEK, TODAY
        )


async def test_a_school_week_has_the_hand_computed_indices_and_changes(
    app: App, seeded: Seeded
) -> None:
    (a,) = await figures_of(app, seeded, THIS_WEEK, "A")
    (survey,) = a.surveys
    score = survey.score
    assert (score.respondents, score.suppressed) == (6, False)
    assert [e.index for e in score.elements] == pytest.approx(percent(A_NOW))
    assert score.overall_index == pytest.approx(100 * fmean(A_NOW)) == pytest.approx(80.0)
    assert score.overall_question_index == pytest.approx(100 * 5 / 6)
    assert score.mean_score == pytest.approx(284 / 69)
    assert score.wishes[:3] == (
        ("Cơ sở vật chất", 4),
        ("Ăn, ngủ, học, chơi", 2),
        ("Thông tin, liên lạc", 2),
    )
    assert survey.previous is not None and survey.previous.respondents == 5
    assert [survey.element_change(e.key) for e in score.elements] == pytest.approx(
        [100 * (now - before) for now, before in zip(A_NOW, A_BEFORE, strict=True)]
    )
    assert survey.overall_change() == pytest.approx(80.0 - 70.0)


async def test_participation_counts_answers_by_the_end_of_the_period_and_hides_small_classes(
    app: App, seeded: Seeded
) -> None:
    a, b = await figures_of(app, seeded, THIS_WEEK, "A", "B")
    (survey,) = a.surveys
    assert (survey.answered, survey.invited) == (6, 16)  # the wave open this week
    assert survey.turnout == pytest.approx(37.5)
    assert [(c.name, c.answered, c.invited) for c in survey.classes] == [("Lá 1", 5, 8)]
    assert survey.hidden_classes == 2  # Chồi 1 (1 answer), Mầm 1 (none)
    (small,) = b.surveys
    assert (small.answered, small.invited, small.hidden_classes) == (3, 10, 1)
    assert small.score.suppressed and small.score.respondents == 3
    assert small.score.elements == () and small.score.wishes == ()
    assert small.comments == ()  # what a group under 5 wrote is not shown either


async def test_tickets_and_news_of_the_week(app: App, seeded: Seeded) -> None:
    a, b = await figures_of(app, seeded, THIS_WEEK, "A", "B")
    kpis = a.tickets
    assert (kpis.received, kpis.acknowledged_share) == (3, 100.0)
    assert (kpis.due, kpis.on_time, kpis.on_time_rate) == (2, 1, 50.0)
    assert (kpis.open_by_age, kpis.overdue_open, kpis.oldest_open_days) == ((2, 1, 0, 0), 1, 12)
    assert (b.tickets.due, b.tickets.on_time_rate) == (1, 100.0)
    news = a.outreach
    assert (news.news, news.announcements, news.delivered, news.recipients) == (1, 1, 4, 6)
    assert (news.weeks, news.weeks_met, news.target_met) == (1, 1, True)
    assert b.outreach.target_met is False


async def test_comments_come_alphabetically_without_class_or_day(app: App, seeded: Seeded) -> None:
    (a,) = await figures_of(app, seeded, THIS_WEEK, "A")
    assert a.surveys[0].comments == tuple(sorted(COMMENTS))


async def test_a_quarter_to_date(app: App, seeded: Seeded) -> None:
    (a,) = await figures_of(app, seeded, quarter_of(TODAY), "A")
    (survey,) = a.surveys
    # all three waves were open in the quarter; the third's answer is counted, not yet scored
    assert (survey.score.respondents, survey.answered, survey.invited) == (11, 12, 32)
    assert [e.index for e in survey.score.elements] == pytest.approx(percent(A_QUARTER))
    assert survey.score.overall_question_index == pytest.approx(100 * 9 / 11)
    assert survey.open_waves == 1
    assert survey.previous is None  # nothing in the third quarter
    # tickets due by today: t1 and t5 on time, t2 late; the 9 weeks so far, 2 with news
    assert (a.tickets.received, a.tickets.due, a.tickets.on_time) == (5, 3, 2)
    assert (a.tickets.overdue_open, a.tickets.oldest_open_days) == (1, 13)
    assert (a.outreach.news, a.outreach.delivered, a.outreach.recipients) == (2, 6, 8)
    assert (a.outreach.weeks, a.outreach.weeks_met) == (9, 2)


async def test_a_ward_sets_its_schools_side_by_side_with_their_average(
    app: App, seeded: Seeded
) -> None:
    ward = await authority_of(app, seeded.authorities["ward"])
    assert ward.name == WARD and ward.authority.kind == "commune"
    assert [row.code for row in ward.rows] == ["MN-ANBINH", "MN-BINHAN"]  # not MN-KHAC
    a, b = ward.rows
    assert (a.rank, a.unit, b.rank, b.unit) == (1, WARD, None, WARD)
    assert (a.responses, a.answered, a.invited, a.turnout) == (6, 6, 16, 37.5)
    assert list(a.elements) == pytest.approx(percent(A_NOW))
    assert (a.overall, a.satisfied) == pytest.approx((80.0, 100 * 5 / 6))
    assert (a.due, a.on_time, a.on_time_rate, a.news) == (2, 1, 50.0, 1)
    assert (b.responses, b.turnout, b.overall, b.satisfied) == (3, 30.0, None, None)
    assert b.elements == (None,) * 6
    average = ward.average
    assert average.turnout == pytest.approx((37.5 + 30.0) / 2)
    assert average.overall == pytest.approx(80.0)  # only A has an index
    assert average.on_time_rate == pytest.approx(75.0)
    assert ward.target == 90
    assert ward.units == ()  # a ward has no authority beneath it
    # A at 80,00 % is within ten points of the target; B has too few answers for a figure
    assert [(band.label, band.count) for band in ward.bands] == [
        ("từ 90 % trở lên", 0),
        ("từ 80 % đến dưới 90 %", 1),
        ("dưới 80 %", 0),
        ("chưa có chỉ số (ẩn hoặc chưa có phiếu)", 1),
    ]


async def test_a_province_sees_its_wards_and_every_school_ranked(app: App, seeded: Seeded) -> None:
    province = await authority_of(app, seeded.authorities["province"])
    assert [(row.rank, row.code, row.unit) for row in province.rows] == [
        (1, "MN-KHAC", OTHER_WARD),  # five answers of 5: 100 %
        (2, "MN-ANBINH", WARD),
        (None, "MN-BINHAN", WARD),  # withheld: unranked, last
    ]
    other, ward = province.units  # the higher mean first
    assert (other.name, other.schools, other.counted, other.met) == (OTHER_WARD, 1, 1, 1)
    assert other.figures.overall == pytest.approx(100.0)
    assert (ward.name, ward.kind, ward.schools, ward.counted, ward.met) == (
        WARD, "commune", 2, 1, 0,
    )  # fmt: skip
    assert ward.figures.overall == pytest.approx(80.0)
    assert ward.figures.turnout == pytest.approx((37.5 + 30.0) / 2)
    assert province.average.overall == pytest.approx(90.0)  # each school once, not each unit
    assert [band.count for band in province.bands] == [1, 1, 0, 1]


async def test_tied_schools_share_a_rank(app: App, seeded: Seeded) -> None:
    from dataclasses import replace

    from handlers.reports.authority import ranked

    province = await authority_of(app, seeded.authorities["province"])
    c, a, b = province.rows
    tied = ranked([replace(a, overall=100.0, rank=None), c, replace(b, overall=99.999)])
    assert [(row.code, row.rank) for row in tied] == [
        ("MN-ANBINH", 1),
        ("MN-BINHAN", 1),
        ("MN-KHAC", 1),
    ]  # fmt: skip  (99.999 is shown as 100,00: the same figure)


async def test_an_authority_without_schools_is_named_in_the_error(app: App, seeded: Seeded) -> None:
    async with app.db.transaction() as session:
        empty = await create_authority(
            session, name="Ủy ban nhân dân xã Không Có", kind="commune", now=FOUNDED
        )
    with pytest.raises(LookupError, match="Ủy ban nhân dân xã Không Có"):
        await authority_of(app, empty)


async def test_the_sql_counts_score_as_the_pure_functions_do_on_the_rows(
    app: App, seeded: Seeded
) -> None:
    """The database GROUP BY and `score_wave` over the loaded responses agree, for every school
    and week, with either element method."""
    ids = [school.id for school in seeded.schools.values()]
    catalog = app.services.catalog
    survey = catalog.get("preschool_parents", 1)
    zone = ZoneInfo(app.services.settings.timezone)
    async with app.db.sessions() as session:
        waves = await reported_waves(session, ids, [THIS_WEEK, LAST_WEEK], zone)
        tallies = await tally_answers(session, catalog, waves)
        for school_id in ids:
            for index, period in enumerate([THIS_WEEK, LAST_WEEK]):
                rows = await _responses(session, school_id, period, zone)
                tally = tallies.get((school_id, index, "preschool_parents"))
                for method in ("mean", "pooled"):
                    expected = score_wave(survey, rows, 0, method=method)
                    if tally is None:
                        assert rows == []
                        continue
                    got = score_counts(survey, tally.counts, tally.respondents, 0, method=method)
                    assert _figures(got) == pytest.approx(_figures(expected))
                    assert got.wishes == expected.wishes


async def _responses(
    session: AsyncSession, school_id: int, period: Period, zone: ZoneInfo
) -> list[Mapping[str, str]]:
    """The responses of the school's released waves that closed in the period, row by row."""
    first, after = period.bounds(zone)
    found = await session.execute(
        select(Response.id, Answer.question_key, Answer.value)
        .join(Wave, Wave.id == Response.wave_id)
        .outerjoin(Answer, Answer.response_id == Response.id)
        .where(
            Wave.school_id == school_id,
            Wave.released_at.is_not(None),
            Wave.closes_at >= first,
            Wave.closes_at < after,
        )
    )
    responses: dict[str, dict[str, str]] = {}
    for response_id, key, value in found:
        answers = responses.setdefault(response_id, {})
        if key is not None:
            answers[key] = value
    return list(responses.values())


def _figures(score: WaveScore) -> list[float | None]:
    items = [i.index for e in score.elements for i in e.items]
    return [
        score.respondents, score.overall_index, score.overall_question_index, score.mean_score,
        *[e.index for e in score.elements], *[e.pooled_index for e in score.elements], *items,
    ]  # fmt: skip
