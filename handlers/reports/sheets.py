"""A school's report as tables (XLSX sheets, or one CSV): the same figures as the chat text."""

from __future__ import annotations

from bot.numbers import vi_number
from bot.reports.model import Cell, Percent, Sheet
from handlers import texts
from handlers.reports.figures import SchoolFigures, SurveyFigures
from handlers.reports.small_groups import mark, withheld
from handlers.reports.wording import meets, period_label
from handlers.tickets.kpi import TicketKpis
from surveys.scoring import round2


def school_sheets(figures: SchoolFigures, min_group: int) -> list[Sheet]:
    """Summary, indices, items, by grade, participation, wishes, the other questions, tickets,
    news, and comments if any."""
    sheets = [
        _summary(figures, min_group),
        Sheet(texts.SHEET_INDICES, _indices(figures, min_group)),
        Sheet(texts.SHEET_ITEMS, _items(figures, min_group)),
        Sheet(texts.SHEET_GRADES, grade_rows(figures, min_group)),
        Sheet(texts.SHEET_TURNOUT, _turnout(figures, min_group)),
        Sheet(texts.SHEET_WISHES, _wishes(figures, min_group)),
        Sheet(texts.SHEET_CHOICES, choice_rows(figures, min_group)),
        Sheet(texts.SHEET_TICKETS, [[texts.COL_ITEM, texts.COL_VALUE], *ticket_rows(figures)]),
        Sheet(texts.SHEET_NEWS, [[texts.COL_ITEM, texts.COL_VALUE], *news_rows(figures)]),
    ]
    comments = [[c] for survey in figures.surveys for c in survey.comments]
    if comments:
        sheets.append(Sheet(texts.SHEET_COMMENTS, [[texts.COL_COMMENT], *comments]))
    return sheets


def pct(value: float | None) -> Percent | None:
    """A percentage as a cell holds it: two decimals, as shown everywhere else."""
    return None if value is None else Percent(round2(value))


def figure(value: float | None, hidden: str) -> Cell:
    """A percentage that exists whenever there are answers enough: the mark where it does not."""
    return hidden if value is None else Percent(round2(value))


def mean(value: float | None, hidden: str | None = None) -> Cell:
    """A mean score (1–5) with two decimals; the mark (or nothing) where there is none."""
    return hidden if value is None else round2(value)


def _summary(figures: SchoolFigures, min_group: int) -> Sheet:
    rows: list[list[Cell]] = [
        [texts.COL_ITEM, texts.COL_VALUE],
        [texts.ROW_SCHOOL, figures.name],
        [texts.ROW_PERIOD, period_label(figures.period)],
        [texts.ROW_FROM, figures.period.start],
        [texts.ROW_TO, figures.period.end],
        [texts.ROW_TARGET, Percent(figures.target)],
    ]
    # where the questions come from (not an official form), first, as in every file
    notes = dict.fromkeys(survey.note for survey in figures.surveys if survey.note)
    rows[1:1] = [[texts.ROW_NOTE, note] for note in notes]
    for survey in figures.surveys:
        score = survey.score
        rows += [
            [texts.REPORT_SURVEY.format(title=survey.title), None],
            [texts.COL_ANSWERED, survey.answered],
            [texts.COL_INVITED, survey.invited],
            [texts.COL_TURNOUT, pct(survey.turnout)],
            [texts.ROW_RESPONSES, score.respondents],
        ]
        hidden = mark(min_group)
        if score.suppressed:
            rows.append([texts.ROW_SUPPRESSED.format(mark=hidden), None])
            continue
        if score.elements:
            rows.append([texts.ROW_OVERALL, figure(score.overall_index, hidden)])
        if survey.has_overall:
            rows.append([texts.ROW_OVERALL_QUESTION, figure(score.overall_question_index, hidden)])
        rows.append([texts.ROW_MEAN, mean(score.mean_score, hidden)])
    return Sheet(texts.SHEET_SUMMARY, rows)


def _indices(figures: SchoolFigures, min_group: int) -> list[list[Cell]]:
    rows: list[list[Cell]] = [
        [
            texts.COL_SURVEY, texts.COL_ELEMENT, texts.COL_INDEX,
            texts.COL_PREVIOUS, texts.COL_CHANGE, texts.COL_TARGET_MET,
        ]
    ]  # fmt: skip
    hidden = mark(min_group)
    for survey in figures.surveys:
        if survey.score.suppressed:
            rows.append([survey.title, texts.ROW_SUPPRESSED.format(mark=hidden)])
            continue
        for element in survey.score.elements:
            rows.append(
                _index_row(
                    survey, element.title, element.index, survey.previous_index(element.key),
                    figures.target, hidden, compared=survey.compared(element.key),
                )
            )  # fmt: skip
        if survey.score.elements:
            rows.append(
                _index_row(
                    survey, texts.ROW_OVERALL, survey.score.overall_index,
                    survey.previous_overall, figures.target, hidden, compared=not survey.changed,
                )
            )  # fmt: skip
    return rows


def _index_row(
    survey: SurveyFigures,
    title: str,
    now: float | None,
    before: float | None,
    target: int,
    hidden: str,
    *,
    compared: bool = True,
) -> list[Cell]:
    """This period's index, the previous one and the change; a previous period with answers
    too few for the figure shows the mark, one without answers nothing, one that asked other
    questions (another version) says so."""
    met = None if now is None else texts.YES_WORD if meets(now, target) else texts.NO_WORD
    earlier: Cell = pct(before) if before is not None or survey.previous is None else hidden
    change: Cell = None if survey.previous is None else hidden
    if survey.previous is not None and not compared:
        earlier, change = texts.ROW_NOT_COMPARED, None
    if now is not None and before is not None:
        change = round2(now - before)
    return [survey.title, title, figure(now, hidden), earlier, change, met]


def grade_rows(figures: SchoolFigures, min_group: int) -> list[list[Cell]]:
    """Per survey, one line per grade: responses, element indices, overall, overall question;
    a grade under the minimum is the mark throughout, its count too."""
    rows: list[list[Cell]] = []
    hidden = mark(min_group)
    for survey in figures.surveys:
        elements = [e.title for e in survey.score.elements]
        header: list[Cell] = [
            texts.COL_SURVEY, texts.COL_GRADE, texts.COL_RESPONSES,
            *(f"{title} (%)" for title in elements), texts.COL_OVERALL, texts.COL_OVERALL_QUESTION,
        ]  # fmt: skip
        rows += [[], header] if rows else [header]
        if survey.score.suppressed:
            rows.append([survey.title, texts.ROW_SUPPRESSED.format(mark=hidden)])
        elif not survey.grades:
            rows.append([survey.title, texts.ROW_NO_GRADES])
        for grade in survey.grades:
            score = grade.score
            if score.suppressed:
                rows.append([survey.title, grade.title, *[hidden] * (len(elements) + 3)])
                continue
            indices = {e.key: e.index for e in score.elements}
            rows.append(
                [
                    survey.title, grade.title, score.respondents,
                    *(figure(indices.get(e.key), hidden) for e in survey.score.elements),
                    figure(score.overall_index, hidden) if elements else None,
                    figure(score.overall_question_index, hidden) if survey.has_overall else None,
                ]
            )  # fmt: skip
    return rows or [[texts.COL_SURVEY, texts.COL_GRADE, texts.COL_RESPONSES]]


def choice_rows(figures: SchoolFigures, min_group: int) -> list[list[Cell]]:
    """The questions that are not scored (who answers, the fees, …): each option's count and
    share of those who answered; the mark where fewer than the minimum answered."""
    rows: list[list[Cell]] = [
        [texts.COL_SURVEY, texts.COL_QUESTION, texts.COL_OPTION, texts.COL_CHOSEN, texts.COL_RATE]
    ]
    hidden = mark(min_group)
    for survey in figures.surveys:
        if survey.score.suppressed:
            rows.append([survey.title, texts.ROW_SUPPRESSED.format(mark=hidden)])
        for choice in survey.choices:
            if choice.answered is None:
                rows.append([survey.title, choice.text, hidden, hidden, hidden])
                continue
            rows += [
                [survey.title, choice.text, label, n, pct(100 * n / choice.answered)]
                for label, n in choice.counts
            ]
            rows.append([survey.title, choice.text, texts.COL_ANSWERED_QUESTION, choice.answered])
    return rows


def _items(figures: SchoolFigures, min_group: int) -> list[list[Cell]]:
    """Each question's figures; those of a question with too few valid answers are the mark."""
    rows: list[list[Cell]] = [
        [
            texts.COL_SURVEY, texts.COL_ELEMENT, texts.COL_QUESTION, texts.COL_VALID,
            texts.COL_SATISFIED, texts.COL_INDEX, texts.COL_MEAN,
        ]
    ]  # fmt: skip
    hidden = mark(min_group)
    for survey in figures.surveys:
        if survey.score.suppressed:
            rows.append([survey.title, texts.ROW_SUPPRESSED.format(mark=hidden)])
        for element in survey.score.elements:
            for item in element.items:
                question = survey.questions.get(item.key, item.key)
                if withheld(item.n_valid, min_group):
                    rows.append([survey.title, element.title, question, *[hidden] * 4])
                    continue
                rows.append(
                    [
                        survey.title, element.title, question, item.n_valid, item.n_satisfied,
                        pct(item.index), mean(item.mean),
                    ]
                )  # fmt: skip
    return rows


def _turnout(figures: SchoolFigures, min_group: int) -> list[list[Cell]]:
    rows: list[list[Cell]] = [
        [texts.COL_SURVEY, texts.COL_CLASS, texts.COL_ANSWERED, texts.COL_INVITED, texts.COL_RATE]
    ]
    for survey in figures.surveys:
        rows += [
            [survey.title, c.name, c.answered, c.invited, pct(100 * c.answered / c.invited)]
            for c in survey.classes
        ]
        if survey.hidden_classes:
            hidden = texts.ROW_HIDDEN.format(count=vi_number(survey.hidden_classes), min=min_group)
            rows.append([survey.title, hidden])
        rows.append(
            [survey.title, texts.ROW_TOTAL, survey.answered, survey.invited, pct(survey.turnout)]
        )
    return rows


def _wishes(figures: SchoolFigures, min_group: int) -> list[list[Cell]]:
    rows: list[list[Cell]] = [[texts.COL_SURVEY, texts.COL_WISH, texts.COL_CHOSEN]]
    for survey in figures.surveys:
        if survey.score.suppressed or survey.wishes_withheld:
            rows.append([survey.title, mark(min_group), mark(min_group)])
            continue
        rows += [[survey.title, label, n] for label, n in survey.score.wishes]
    return rows


def ticket_rows(figures: SchoolFigures) -> list[list[Cell]]:
    kpis = figures.tickets
    values = _ticket_values(kpis)
    return [[label, values[key]] for key, label in texts.TICKET_ROWS]


def _ticket_values(kpis: TicketKpis) -> dict[str, Cell]:
    return {
        "received": kpis.received,
        "acknowledged_share": pct(kpis.acknowledged_share),
        "due": kpis.due,
        "on_time": kpis.on_time,
        "on_time_rate": pct(kpis.on_time_rate),
        "open": sum(kpis.open_by_age),
        "overdue_open": kpis.overdue_open,
        "oldest_open_days": kpis.oldest_open_days,
        "mean_rating": mean(kpis.mean_rating),
    }


def news_rows(figures: SchoolFigures) -> list[list[Cell]]:
    outreach = figures.outreach
    rows: list[list[Cell]] = [[label, getattr(outreach, key)] for key, label in texts.NEWS_ROWS]
    met = texts.YES_WORD if outreach.target_met else texts.NO_WORD
    rows.append([texts.ROW_NEWS_TARGET, met])
    return rows
