"""A school's report as a short chat message: the digest and what /baocao answers."""

from __future__ import annotations

from bot.numbers import vi_number
from handlers import texts
from handlers.reports.figures import SchoolFigures, SurveyFigures
from handlers.reports.small_groups import mark
from handlers.reports.wording import (
    change_text,
    day_text,
    percent,
    percent_or,
    period_label,
    target_mark,
)
from handlers.results import grade_figures

TOP_WISHES = 3


def school_text(figures: SchoolFigures, min_group: int) -> str:
    """Surveys, tickets and news of the period, each in a few lines."""
    lines = [texts.REPORT_HEADER.format(period=period_label(figures.period), school=figures.name)]
    for survey in figures.surveys:
        lines += ["", *survey_lines(survey, figures, min_group)]
    if not figures.surveys:
        lines += ["", texts.REPORT_NO_SURVEY]
    lines += ["", tickets_line(figures), news_line(figures)]
    return "\n".join(lines)


def survey_lines(survey: SurveyFigures, figures: SchoolFigures, min_group: int) -> list[str]:
    lines = [texts.REPORT_SURVEY.format(title=survey.title)]
    if survey.invited:
        lines.append(
            texts.REPORT_TURNOUT.format(
                answered=vi_number(survey.answered),
                invited=vi_number(survey.invited),
                rate=percent(survey.turnout),
            )
        )
    classes = [
        texts.REPORT_CLASS.format(
            name=c.name, answered=vi_number(c.answered), invited=vi_number(c.invited)
        )
        for c in survey.classes
    ]
    if survey.hidden_classes:
        classes.append(
            texts.REPORT_CLASSES_HIDDEN.format(
                count=vi_number(survey.hidden_classes), min=min_group
            )
        )
    if classes:
        lines.append(texts.REPORT_CLASSES.format(classes="; ".join(classes)))
    score = survey.score
    hidden = mark(min_group)
    if survey.open_waves:
        lines.append(texts.REPORT_OPEN_WAVES)
    if score.suppressed:
        if score.respondents or not survey.open_waves:
            lines.append(
                texts.REPORT_SUPPRESSED.format(n=vi_number(score.respondents), mark=hidden)
            )
        return lines
    previous = texts.REPORT_PREVIOUS[figures.period.kind]
    lines.append(
        texts.REPORT_RESPONSES.format(
            n=vi_number(score.respondents), target=figures.target, previous=previous
        )
    )
    for element in score.elements:
        lines.append(
            texts.REPORT_ELEMENT.format(
                title=element.title,
                index=percent_or(element.index, hidden),
                change=change_text(survey.element_change(element.key)),
                mark=target_mark(element.index, figures.target),
            ).rstrip()
        )
    if score.elements:
        lines.append(
            texts.REPORT_OVERALL.format(
                index=percent_or(score.overall_index, hidden),
                change=change_text(survey.overall_change()),
                mark=target_mark(score.overall_index, figures.target),
            ).rstrip()
        )
    if survey.has_overall:
        lines.append(
            texts.REPORT_OVERALL_QUESTION.format(
                index=percent_or(score.overall_question_index, hidden)
            )
        )
    if survey.changed and survey.previous is not None:
        lines.append(texts.REPORT_NOT_COMPARED.format(previous=previous))
    if survey.grades:
        lines.append(texts.REPORT_GRADES)
        lines += [
            texts.REPORT_GRADE.format(title=grade.title, figures=grade_figures(grade, hidden))
            for grade in survey.grades
        ]
    wishes = [texts.REPORT_WISH.format(label=w, count=vi_number(n)) for w, n in top_wishes(survey)]
    if survey.wishes_withheld:
        wishes = [hidden]
    if wishes:
        lines.append(texts.REPORT_WISHES.format(wishes=", ".join(wishes)))
    return lines


def top_wishes(survey: SurveyFigures) -> list[tuple[str, int]]:
    """The most chosen improvement wishes (chosen at least once), most first."""
    return [(label, n) for label, n in survey.score.wishes if n > 0][:TOP_WISHES]


def tickets_line(figures: SchoolFigures) -> str:
    kpis = figures.tickets
    oldest = (
        texts.REPORT_OLDEST.format(days=kpis.oldest_open_days)
        if kpis.oldest_open_days is not None
        else ""
    )
    until = (
        texts.REPORT_TICKETS_UNTIL_TODAY.format(today=day_text(kpis.as_of))
        if kpis.until_today(figures.period.end)
        else ""
    )
    return texts.REPORT_TICKETS.format(
        received=vi_number(kpis.received),
        due=vi_number(kpis.due),
        on_time=vi_number(kpis.on_time),
        rate=percent(kpis.on_time_rate),
        overdue=vi_number(kpis.overdue_open),
        oldest=oldest,
        until=until,
    )


def news_line(figures: SchoolFigures) -> str:
    outreach = figures.outreach
    if figures.period.kind == "week":
        met = outreach.target_met
        target = texts.REPORT_NEWS_WEEK_MET if met else texts.REPORT_NEWS_WEEK_MISSED
    else:
        target = texts.REPORT_NEWS_WEEKS.format(
            met=vi_number(outreach.weeks_met), weeks=outreach.weeks
        )
    return texts.REPORT_NEWS.format(
        news=vi_number(outreach.news),
        target=target,
        announcements=vi_number(outreach.announcements),
        delivered=texts.REPORT_NEWS_DELIVERED.format(
            delivered=vi_number(outreach.delivered), recipients=vi_number(outreach.recipients)
        )
        if outreach.recipients
        else "",
    )
