"""The authority view: every school beneath an authority side by side, ranked, and against target.

Any level of the tree: a ward (UBND phường) sees its schools; a province (Sở GD&ĐT) sees every
school beneath it ranked, and its wards (each the plain mean of its schools), and how many
schools stand at or above the target, within ten points below it, further below, or without a
figure. The schools are the officer's scope (`handlers.authorities.scope.schools_beneath`),
never more.

The survey compared is `HAILONG_REPORT_SURVEY` (the preschool questionnaire by default). A school
with fewer than `min_group_size` responses in the period shows no index (the sheet and the chart
put the mark of `small_groups` in its place) and counts in no average; an average, a unit's
included, is the plain mean of the schools that have the figure, each school once (as SIPAS
averages units). A unit all of whose schools lack a figure shows the mark too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from statistics import fmean

from sqlalchemy.ext.asyncio import AsyncSession

from bot.models.schools import Authority, School
from bot.numbers import shown
from bot.settings import Settings
from handlers import texts
from handlers.authorities.scope import schools_beneath
from handlers.authorities.tree import AuthorityRef, Tree, load_tree
from handlers.reports.figures import SchoolFigures, school_figures
from handlers.reports.periods import Period
from surveys.catalog import Catalog

BAND_WIDTH = 10  # points below the target of the middle band: 80–90 % for a 90 % target


@dataclass(frozen=True)
class SchoolRow:
    """One school's line (or an average's: its counts are then None)."""

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
    rank: int | None = None  # 1 = the highest overall index; None: no figure
    unit: str = ""  # the school's direct managing authority


@dataclass(frozen=True)
class UnitRow:
    """An authority directly beneath the one reported on, its schools' figures averaged."""

    name: str
    kind: str
    schools: int
    counted: int  # schools with an overall index
    met: int  # schools at or above their target
    figures: SchoolRow  # the means; counts are None


@dataclass(frozen=True)
class Band:
    """How many schools' overall index falls in a range against the target."""

    label: str
    count: int


@dataclass(frozen=True)
class AuthorityFigures:
    authority: AuthorityRef
    period: Period
    target: int
    survey_title: str
    elements: tuple[str, ...]
    rows: tuple[SchoolRow, ...]  # every school beneath, the highest overall index first
    units: tuple[UnitRow, ...]  # the authorities directly beneath (none for a ward)
    average: SchoolRow
    bands: tuple[Band, ...]
    note: str = ""  # the compared survey's note (where its questions come from)

    @property
    def name(self) -> str:
        return self.authority.name


async def authority_figures(
    session: AsyncSession,
    catalog: Catalog,
    settings: Settings,
    authority: Authority,
    period: Period,
    today: date,
) -> AuthorityFigures:
    """The figures of every school beneath `authority`; LookupError when it has none."""
    schools = await schools_beneath(session, authority.id)
    if not schools:
        raise LookupError(f"no school beneath authority {authority.id}: {authority.name}")
    tree = await load_tree(session)
    survey = catalog.latest(settings.report_survey)
    keys = [element.key for element in survey.elements]
    figures = await school_figures(session, catalog, settings, schools, period, today)
    rows = ranked([_row(f, settings.report_survey, keys, tree) for f in figures])
    target = Counter(school.target_percent for school in schools).most_common()[0][0]
    return AuthorityFigures(
        authority=tree.ref(authority.id),
        period=period,
        target=target,
        survey_title=survey.title,
        elements=tuple(element.title for element in survey.elements),
        rows=rows,
        units=_units(tree, authority.id, schools, rows, len(keys)),
        average=average(rows, len(keys)),
        bands=bands(rows, target),
        note=survey.note or "",
    )


def ranked(rows: Iterable[SchoolRow]) -> tuple[SchoolRow, ...]:
    """The highest overall index first (as shown, one decimal; ties share a rank and go by
    name), then the schools without one."""
    figured = sorted(
        (r for r in rows if r.overall is not None),
        key=lambda r: (-shown(r.overall or 0.0), r.name),
    )
    ranks: list[SchoolRow] = []
    for place, row in enumerate(figured, start=1):
        tied = ranks and shown(ranks[-1].overall or 0.0) == shown(row.overall or 0.0)
        ranks.append(replace(row, rank=ranks[-1].rank if tied else place))
    rest = sorted((r for r in rows if r.overall is None), key=lambda r: r.name)
    return (*ranks, *rest)


def bands(rows: Sequence[SchoolRow], target: int) -> tuple[Band, ...]:
    """The schools at or above the target, up to ten points below it, further below, and
    without a figure (too few answers, or no wave closed in the period)."""
    low = max(target - BAND_WIDTH, 0)
    counts = Counter(_band(row.overall, target, low) for row in rows)
    labels = (
        texts.BAND_MET.format(target=target),
        texts.BAND_NEAR.format(low=low, target=target),
        texts.BAND_BELOW.format(low=low),
        texts.BAND_NONE,
    )
    return tuple(Band(label, counts[number]) for number, label in enumerate(labels))


def _band(value: float | None, target: int, low: int) -> int:
    if value is None:
        return 3
    figure = shown(value)
    return 0 if figure >= target else 1 if figure >= low else 2


def _row(
    figures: SchoolFigures, survey_key: str, element_keys: Sequence[str], tree: Tree
) -> SchoolRow:
    found = figures.survey(survey_key)
    score = found.score if found else None
    indices = {e.key: e.index for e in score.elements} if score else {}
    kpis = figures.tickets
    return SchoolRow(
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
        unit=figures.authority.name if figures.authority else "",
    )


def _units(
    tree: Tree,
    authority_id: int,
    schools: Sequence[School],
    rows: Sequence[SchoolRow],
    elements: int,
) -> tuple[UnitRow, ...]:
    """Each authority directly beneath, with the schools beneath it (those with none left out)."""
    by_code = {row.code: row for row in rows}
    targets = {school.code: school.target_percent for school in schools}
    found = []
    for child in tree.children(authority_id):
        inside = tree.beneath(child.id)
        mine = [by_code[s.code] for s in schools if s.authority_id in inside]
        if not mine:
            continue
        counted = [row for row in mine if row.overall is not None]
        met = sum(1 for row in counted if shown(row.overall or 0.0) >= targets[row.code])
        means = replace(average(mine, elements), name=child.name)
        found.append(UnitRow(child.name, child.kind, len(mine), len(counted), met, means))
    return tuple(
        sorted(found, key=lambda u: (u.figures.overall is None, -(u.figures.overall or 0)))
    )


def average(rows: Sequence[SchoolRow], elements: int) -> SchoolRow:
    """The plain mean of the schools that have each figure."""
    return SchoolRow(
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
