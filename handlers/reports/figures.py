"""A school's figures for a period — surveys, tickets, news — the one source of every report.

The digest, `/baocao`, the CLI's files, the quarterly draft and the authority view all read these
objects; rendering never computes a figure. Definitions:

- Survey indices (SIPAS, `surveys.scoring`) over the responses of the waves that closed in the
  period and have been released (`survey_counts`); no figure from fewer than `min_group_size`
  valid answers (`small_groups`: a survey's, a question's, the wishes'). The change is against the
  previous period (the week or quarter before), scored by the same definition.
- Versions. The waves of one survey in a period are counted together and scored by the newest
  version among them: a question counts the answers of every wave that asked it (a key names
  one question in every version, surveys/versions.py); a question the newest version no longer
  asks is not shown. A period is compared with the one before only on the elements both measured
  with the same questions (`surveys.versions.comparable_elements`), and on the overall index
  only when every element is; the others say "không so sánh".
- By grade: the same indices per grade of the responses (`grades`), none from a small group.
- The questions that are not scored (who answers, the fees, …): how often each option was
  chosen, none from fewer than `min_group_size` answers.
- Participation: parents invited to the school's waves that were open at some time in the period,
  and those of them who had answered by its end; by class only where a class has at least
  `min_group_size` answers (the others are only counted).
- Tickets: `handlers.tickets.kpi.ticket_kpis` for the period, as it stands at its end (or today,
  for a period not over yet: a quarter to date counts what has come due so far, and
  `TicketKpis.as_of` says to which day).
- News and announcements: `handlers.reports.outreach`, over the period up to today.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.models.schools import School
from bot.settings import Settings
from handlers.authorities.tree import AuthorityRef, load_tree
from handlers.reports.grades import (
    GradeFigures,
    GradeTally,
    grade_breakdown,
    grade_tallies,
    scored_keys,
)
from handlers.reports.outreach import Outreach, outreach_of
from handlers.reports.periods import Period
from handlers.reports.small_groups import (
    score_shown,
    valid_answers,
    wishes_withheld,
    withheld,
)
from handlers.reports.survey_counts import (
    ReportedWave,
    Tally,
    TallyKey,
    Turnout,
    class_names,
    comments_of,
    open_waves,
    reported_waves,
    survey_for,
    tally_answers,
    turnout,
)
from handlers.tickets.kpi import TicketKpis, ticket_kpis
from handlers.tickets.register import facts_by_school
from handlers.tickets.store import Terms
from surveys.catalog import Catalog
from surveys.kinds import kind_of
from surveys.schema import Survey
from surveys.scoring import ValueCounts, WaveScore, participation_rate, tally_options
from surveys.versions import comparable_elements

CURRENT, PREVIOUS = 0, 1


@dataclass(frozen=True)
class ClassTurnout:
    name: str
    answered: int
    invited: int


@dataclass(frozen=True)
class ChoiceFigures:
    """How often each option of a question that is not scored was chosen."""

    key: str
    text: str
    answered: int | None  # responses that answered it; None: too few, nothing is shown
    counts: tuple[tuple[str, int], ...]  # (option label, times chosen), in option order


@dataclass(frozen=True)
class SurveyFigures:
    """One survey of a school in a period: participation, indices, and the previous indices."""

    key: str
    title: str
    invited: int
    answered: int
    classes: tuple[ClassTurnout, ...]  # classes with at least min_group_size answers
    hidden_classes: int  # classes with fewer: counted, never shown one by one
    score: WaveScore
    previous: WaveScore | None
    questions: Mapping[str, str]  # key → text, to name the items
    comments: tuple[str, ...] = ()  # the school's own report only; never when suppressed
    has_overall: bool = False  # the survey asks the overall question
    wishes_withheld: bool = False  # too few answered the wishes question to show its counts
    open_waves: int = 0  # waves open in the period whose results come when they close
    grades: tuple[GradeFigures, ...] = ()  # by grade; none when no response has a grade
    choices: tuple[ChoiceFigures, ...] = ()  # the questions not scored (not the wishes)
    note: str = ""  # the survey's note (where the questions come from), printed in every file
    # elements the previous period measured with other questions (another version): no change
    changed: frozenset[str] = frozenset()

    @property
    def turnout(self) -> float | None:
        return participation_rate(self.answered, self.invited)

    def compared(self, key: str) -> bool:
        """Whether the previous period measured the element with the same questions."""
        return key not in self.changed

    def previous_index(self, key: str) -> float | None:
        """The previous period's index of an element (None: no figure, or not compared)."""
        before = {e.key: e.index for e in self.previous.elements} if self.previous else {}
        return before.get(key) if self.compared(key) else None

    def element_change(self, key: str) -> float | None:
        """This period's index of an element minus the previous period's (None: no figure)."""
        now = {e.key: e.index for e in self.score.elements}.get(key)
        return _difference(now, self.previous_index(key))

    @property
    def previous_overall(self) -> float | None:
        """The previous period's overall index (None: no figure, or an element not compared)."""
        return self.previous.overall_index if self.previous and not self.changed else None

    def overall_change(self) -> float | None:
        return _difference(self.score.overall_index, self.previous_overall)


@dataclass(frozen=True)
class SchoolFigures:
    """Everything a school's report shows for one period."""

    school_id: int
    code: str
    name: str
    authority: AuthorityRef | None  # the school's managing authority, with those above it
    target: int  # satisfaction target, %
    period: Period
    surveys: tuple[SurveyFigures, ...]
    tickets: TicketKpis
    outreach: Outreach

    @property
    def authority_name(self) -> str:
        """The managing authority's full name ("" when none is set)."""
        return self.authority.name if self.authority is not None else ""

    def survey(self, key: str) -> SurveyFigures | None:
        return next((s for s in self.surveys if s.key == key), None)


async def school_figures(
    session: AsyncSession,
    catalog: Catalog,
    settings: Settings,
    schools: Sequence[School],
    period: Period,
    today: date,
    *,
    comments: bool = False,
) -> list[SchoolFigures]:
    """The figures of several schools at once: one grouped query per kind of figure."""
    ids = [school.id for school in schools]
    zone = ZoneInfo(settings.timezone)
    so_far = Period(period.start, max(period.start, min(period.end, today)))
    waves = await reported_waves(session, ids, [period, period.previous()], zone)
    now = [wave for wave in waves if wave.period == CURRENT]
    counted = _Counted(
        await tally_answers(session, catalog, waves),
        await turnout(session, ids, period, zone),
        await class_names(session, ids),
        await open_waves(session, ids, period, zone),
        await _grades_of(session, catalog, now),
    )
    facts = await facts_by_school(session, ids, Terms.of(settings))
    tree = await load_tree(session)
    outreach = await outreach_of(session, ids, so_far, zone)
    chosen = {s.id: counted.surveys_of(s.id, catalog, settings.report_survey) for s in schools}
    said = await comments_of(session, chosen, now) if comments else {}
    found = []
    for school in schools:
        surveys = [
            _survey_figures(
                survey, catalog, counted, school.id, settings, said.get((school.id, survey.key))
            )
            for survey in chosen[school.id]
        ]
        found.append(
            SchoolFigures(
                school_id=school.id,
                code=school.code,
                name=school.name,
                authority=tree.ref(school.authority_id) if school.authority_id else None,
                target=school.target_percent,
                period=period,
                surveys=tuple(surveys),
                tickets=ticket_kpis(facts[school.id], period.start, period.end, today=today),
                outreach=outreach[school.id],
            )
        )
    return found


@dataclass(frozen=True)
class _Counted:
    """What the grouped queries found for all the schools of a report."""

    tallies: dict[TallyKey, Tally]
    turnouts: dict[tuple[int, str], list[Turnout]]
    names: dict[int, str]
    open: Counter[tuple[int, str]]
    grades: dict[tuple[int, str], dict[str, GradeTally]]  # (school, survey): by grade

    def surveys_of(self, school_id: int, catalog: Catalog, first: str) -> list[Survey]:
        """The surveys a school answered in the period or had a wave open; `first` first."""
        keys = {k for (s, i, k) in self.tallies if s == school_id and i == CURRENT}
        keys |= {k for (s, k) in self.turnouts if s == school_id}
        keys |= {k for (s, k) in self.open if s == school_id}
        found = []
        for key in sorted(keys, key=lambda k: (k != first, k)):
            version = self.tally(school_id, CURRENT, key).version
            survey = survey_for(catalog, key, version)
            if survey is not None:
                found.append(survey)
        return found

    def tally(self, school_id: int, index: int, key: str) -> Tally:
        return self.tallies.get((school_id, index, key), Tally())


async def _grades_of(
    session: AsyncSession, catalog: Catalog, waves: Sequence[ReportedWave]
) -> dict[tuple[int, str], dict[str, GradeTally]]:
    """Per (school, survey): the responses of these waves by grade, in one grouped query."""
    surveys = [survey_for(catalog, wave.survey_key, wave.version) for wave in waves]
    keys = scored_keys([survey for survey in surveys if survey is not None])
    by_wave = await grade_tallies(session, [wave.id for wave in waves], keys)
    found: dict[tuple[int, str], dict[str, GradeTally]] = {}
    for wave in waves:
        grades = found.setdefault((wave.school_id, wave.survey_key), {})
        for grade, tally in by_wave.get(wave.id, {}).items():
            grades.setdefault(grade, GradeTally()).add(tally)
    return found


def _choices(survey: Survey, counts: ValueCounts, min_group: int) -> tuple[ChoiceFigures, ...]:
    """The questions that are not scored, but the wishes (their own figures): each option's
    count, or nothing when fewer than `min_group` answered."""
    found = []
    for tally in tally_options(survey, counts):
        question = survey.question(tally.key)
        if kind_of(question).scored or question.key == survey.wishes:
            continue
        answered = valid_answers(question, counts.get(question.key, {}))
        if withheld(answered, min_group):
            found.append(ChoiceFigures(tally.key, tally.text, None, ()))
        else:
            found.append(ChoiceFigures(tally.key, tally.text, answered, tally.counts))
    return tuple(found)


def _changed(catalog: Catalog, survey: Survey, previous: Tally | None) -> frozenset[str]:
    """The elements the previous period's definition measured with other questions."""
    before = survey_for(catalog, survey.key, previous.version) if previous else None
    if before is None:
        return frozenset()
    every = frozenset(element.key for element in survey.elements)
    return every - comparable_elements(before, survey)


def _survey_figures(
    survey: Survey,
    catalog: Catalog,
    counted: _Counted,
    school_id: int,
    settings: Settings,
    comments: Sequence[str] | None,
) -> SurveyFigures:
    def score(tally: Tally) -> WaveScore:
        return score_shown(
            survey,
            tally.counts,
            tally.respondents,
            0,  # participation is counted from invitations and receipts, not responses
            method=settings.scoring_method,
            min_group=settings.min_group_size,
        )

    turnouts = counted.turnouts.get((school_id, survey.key), [])
    shown = sorted(
        (ClassTurnout(counted.names[t.class_id], t.answered, t.invited) for t in turnouts),
        key=lambda c: c.name,
    )
    enough = tuple(c for c in shown if c.answered >= settings.min_group_size)
    previous = counted.tallies.get((school_id, PREVIOUS, survey.key))
    tally = counted.tally(school_id, CURRENT, survey.key)
    now = score(tally)
    grades = grade_breakdown(
        survey,
        counted.grades.get((school_id, survey.key), {}),
        method=settings.scoring_method,
        min_group=settings.min_group_size,
    )
    return SurveyFigures(
        key=survey.key,
        title=survey.title,
        invited=sum(t.invited for t in turnouts),
        answered=sum(t.answered for t in turnouts),
        classes=enough,
        hidden_classes=len(shown) - len(enough),
        score=now,
        previous=score(previous) if previous is not None else None,
        questions={question.key: question.text for question in survey.questions},
        comments=tuple(comments or ()) if not now.suppressed else (),  # never when suppressed
        has_overall=survey.overall is not None,
        wishes_withheld=not now.suppressed
        and wishes_withheld(survey, tally.counts, settings.min_group_size),
        open_waves=counted.open[(school_id, survey.key)],
        grades=() if now.suppressed else grades,
        choices=() if now.suppressed else _choices(survey, tally.counts, settings.min_group_size),
        note=survey.note or "",
        changed=_changed(catalog, survey, previous),
    )


def _difference(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before
