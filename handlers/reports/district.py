"""The district view: every school of a district side by side, and the schools' average.

The survey compared is `HAILONG_REPORT_SURVEY` (the preschool questionnaire by default). A school
with fewer than `min_group_size` responses in the period shows no index (the sheet and the chart
put the mark of `small_groups` in its place). The average is the plain mean of the schools that
have the figure, each school counting once (as SIPAS averages units).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from statistics import fmean

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import School
from bot.settings import Settings
from handlers.reports.figures import SchoolFigures, school_figures
from handlers.reports.periods import Period
from surveys.catalog import Catalog


@dataclass(frozen=True)
class DistrictRow:
    """One school's line (or the average's: counts are then None)."""

    name: str
    code: str
    responses: int | None
    answered: int | None
    invited: int | None
    turnout: float | None
    elements: tuple[float | None, ...]  # the compared survey's element indices, in order
    overall: float | None  # overall index (mean of the elements)
    satisfied: float | None  # share satisfied on the overall question
    due: int | None
    on_time: int | None
    on_time_rate: float | None
    news: int | None


@dataclass(frozen=True)
class DistrictFigures:
    name: str
    period: Period
    target: int
    survey_title: str
    elements: tuple[str, ...]
    rows: tuple[DistrictRow, ...]
    average: DistrictRow
    note: str = ""  # the compared survey's note (where its questions come from)


async def district_figures(
    session: AsyncSession,
    catalog: Catalog,
    settings: Settings,
    district: str,
    period: Period,
    today: date,
) -> DistrictFigures:
    """The figures of every school whose district is `district`; LookupError if there is none."""
    of_district = select(School).where(School.district == district).order_by(School.name)
    schools = list(await session.scalars(of_district))
    if not district or not schools:
        raise LookupError(f"no school in district {district!r}")
    survey = catalog.latest(settings.report_survey)
    keys = [element.key for element in survey.elements]
    figures = await school_figures(session, catalog, settings, schools, period, today)
    rows = tuple(_row(f, settings.report_survey, keys) for f in figures)
    targets = Counter(school.target_percent for school in schools).most_common()
    return DistrictFigures(
        name=district,
        period=period,
        target=targets[0][0],
        survey_title=survey.title,
        elements=tuple(element.title for element in survey.elements),
        rows=rows,
        average=_average(rows, len(keys)),
        note=survey.note or "",
    )


def _row(figures: SchoolFigures, survey_key: str, element_keys: Sequence[str]) -> DistrictRow:
    found = figures.survey(survey_key)
    score = found.score if found else None
    indices = {e.key: e.index for e in score.elements} if score else {}
    kpis = figures.tickets
    return DistrictRow(
        name=figures.name,
        code=figures.code,
        responses=score.respondents if score else 0,
        answered=found.answered if found else 0,
        invited=found.invited if found else 0,
        turnout=found.turnout if found else None,
        elements=tuple(indices.get(key) for key in element_keys),
        overall=score.overall_index if score else None,
        satisfied=score.overall_question_index if score else None,
        due=kpis.due,
        on_time=kpis.on_time,
        on_time_rate=kpis.on_time_rate,
        news=figures.outreach.news,
    )


def _average(rows: Sequence[DistrictRow], elements: int) -> DistrictRow:
    return DistrictRow(
        name="",
        code="",
        responses=None,
        answered=None,
        invited=None,
        turnout=_mean(row.turnout for row in rows),
        elements=tuple(_mean(row.elements[i] for row in rows) for i in range(elements)),
        overall=_mean(row.overall for row in rows),
        satisfied=_mean(row.satisfied for row in rows),
        due=None,
        on_time=None,
        on_time_rate=_mean(row.on_time_rate for row in rows),
        news=None,
    )


def _mean(values: Iterable[float | None]) -> float | None:
    present = [value for value in values if value is not None]
    return fmean(present) if present else None
