"""A school's figures for a period — surveys, tickets, news — the one source of every report.

The digest, `/baocao`, the CLI's files, the quarterly draft and the authority view all read these
objects; rendering never computes a figure. Definitions:

- Survey indices (SIPAS, `surveys.scoring`) over the responses of the waves that closed in the
  period and have been released (`survey_counts`); no figure from fewer than `min_group_size`
  valid answers (`small_groups`: a survey's, a question's, the wishes'). The change is against the
  previous period (the week or quarter before), scored by the same definition.
- Participation: parents invited to the school's waves that were open at some time in the period,
  and those of them who had answered by its end; by class only where a class has at least
  `min_group_size` answers (the others are only counted).
- Tickets: `handlers.tickets.kpi.ticket_kpis` for the period, as it stands at its end (or today,
  for a period not over yet: a quarter to date counts what has come due so far).
- News and announcements: `handlers.reports.outreach`, over the period up to today.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import School
from bot.settings import Settings
from handlers.authorities.tree import AuthorityRef, load_tree
from handlers.reports.outreach import Outreach, outreach_of
from handlers.reports.periods import Period
from handlers.reports.small_groups import score_shown, wishes_withheld
from handlers.reports.survey_counts import (
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
from surveys.schema import Survey
from surveys.scoring import WaveScore, participation_rate

CURRENT, PREVIOUS = 0, 1


@dataclass(frozen=True)
class ClassTurnout:
    name: str
    answered: int
    invited: int


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

    @property
    def turnout(self) -> float | None:
        return participation_rate(self.answered, self.invited)

    def previous_index(self, key: str) -> float | None:
        """The previous period's index of an element (None: no figure)."""
        before = {e.key: e.index for e in self.previous.elements} if self.previous else {}
        return before.get(key)

    def element_change(self, key: str) -> float | None:
        """This period's index of an element minus the previous period's (None: no figure)."""
        now = {e.key: e.index for e in self.score.elements}.get(key)
        return _difference(now, self.previous_index(key))

    @property
    def previous_overall(self) -> float | None:
        """The previous period's overall index (None: no figure)."""
        return self.previous.overall_index if self.previous else None

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
    counted = _Counted(
        await tally_answers(session, catalog, waves),
        await turnout(session, ids, period, zone),
        await class_names(session, ids),
        await open_waves(session, ids, period, zone),
    )
    facts = await facts_by_school(session, ids, Terms.of(settings))
    tree = await load_tree(session)
    outreach = await outreach_of(session, ids, so_far, zone)
    chosen = {s.id: counted.surveys_of(s.id, catalog, settings.report_survey) for s in schools}
    now = [wave for wave in waves if wave.period == CURRENT]
    said = await comments_of(session, chosen, now) if comments else {}
    found = []
    for school in schools:
        surveys = [
            _survey_figures(survey, counted, school.id, settings, said.get((school.id, survey.key)))
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
                tickets=ticket_kpis(facts[school.id], so_far.start, so_far.end),
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


def _survey_figures(
    survey: Survey,
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
    )


def _difference(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before
