"""The report draft for the district (DOCX), in the style of the schools' own CCHC reports.

It follows the seed report (`shared/seeds/001_…`): letterhead, "BÁO CÁO", "Kính gửi", the basis
to fill in, then the survey paragraph with the real figures ("Số CMHS tham gia khảo sát X/Y CMHS.
Kết quả: Z % CMHS … hài lòng …"), the tickets, the news; "Nơi nhận" and the signature. What only
the school knows (document number, place, the plans it acts on) is left as "…" to fill in.
"""

from __future__ import annotations

from datetime import date

from bot.reports.model import Block, Columns, Document, Para, Table
from handlers import texts
from handlers.reports.figures import SchoolFigures, SurveyFigures
from handlers.reports.small_groups import mark
from handlers.reports.summary import top_wishes
from handlers.reports.wording import day_text, meets, percent, percent_or, period_label, signed


def report_document(
    figures: SchoolFigures, survey_key: str, today: date, min_group: int
) -> Document:
    """The draft for the period of `figures`; `survey_key` names the survey it reports on."""
    period = period_label(figures.period)
    survey = figures.survey(survey_key) or (figures.surveys[0] if figures.surveys else None)
    blocks: list[Block] = [
        _letterhead(figures, today),
        Para(""),
        Para(texts.DOCX_TITLE, "center", bold=True, size=14),
        Para(texts.DOCX_SUBJECT.format(period=period, school=figures.name), "center", bold=True),
        Para(""),
        Para(texts.DOCX_TO.format(recipient=figures.district or texts.DOCX_RECIPIENT), "center"),
        Para(texts.DOCX_BASIS.format(year=figures.period.end.year), indent=True, italic=True),
        Para(
            texts.DOCX_INTRO.format(
                school=figures.name,
                period=period,
                start=day_text(figures.period.start),
                end=day_text(figures.period.end),
            ),
            indent=True,
        ),
        Para(texts.DOCX_SURVEY_HEADING, bold=True),
        *_survey_blocks(figures, survey, min_group),
        Para(texts.DOCX_TICKETS_HEADING, bold=True),
        _tickets(figures),
        Para(texts.DOCX_NEWS_HEADING, bold=True),
        _news(figures),
        Para(texts.DOCX_CLOSING.format(period=period, school=figures.name), indent=True),
        Para(""),
        _signature(),
    ]
    return Document(blocks)


def _letterhead(figures: SchoolFigures, today: date) -> Columns:
    dated = texts.DOCX_PLACE_DATE.format(day=f"{today.day:02d}", month=today.month, year=today.year)
    left = [
        Para(figures.district.upper(), "center", size=12),
        Para(figures.name.upper(), "center", bold=True, size=12),
        Para("———", "center", size=12),
        Para(texts.DOCX_NUMBER.format(code=figures.code), "center", size=12),
    ]
    right = [
        Para(texts.DOCX_NATION, "center", bold=True, size=12),
        Para(texts.DOCX_MOTTO, "center", bold=True, size=12),
        Para("———", "center", size=12),
        Para(dated, "center", italic=True, size=12),
    ]
    return Columns(left, right)


def _survey_blocks(
    figures: SchoolFigures, survey: SurveyFigures | None, min_group: int
) -> list[Block]:
    if survey is None:
        return [Para(texts.DOCX_SURVEY_NONE, indent=True)]
    score = survey.score
    hidden = mark(min_group)
    if score.suppressed:
        text = texts.DOCX_SURVEY_SUPPRESSED.format(
            answered=survey.answered, invited=survey.invited, n=score.respondents, mark=hidden
        )
        return [Para(text, indent=True), *_note(survey)]
    overall = score.overall_index
    met = overall is not None and meets(overall, figures.target)
    blocks: list[Block] = [
        Para(
            texts.DOCX_SURVEY.format(
                answered=survey.answered,
                invited=survey.invited,
                satisfied=percent_or(score.overall_question_index, hidden),
                overall=percent_or(overall, hidden),
                target=figures.target,
                mark=texts.DOCX_TARGET_MET if met else texts.DOCX_TARGET_MISSED,
            ),
            indent=True,
        )
    ]
    if score.elements:
        blocks += [Para(texts.DOCX_ELEMENTS, indent=True), _elements_table(figures, survey, hidden)]
    if survey.changed and survey.previous is not None:
        previous = texts.REPORT_PREVIOUS[figures.period.kind]
        blocks.append(Para(texts.DOCX_NOT_COMPARED.format(previous=previous), indent=True))
    wishes = [texts.REPORT_WISH.format(label=w, count=n) for w, n in top_wishes(survey)]
    if survey.wishes_withheld:
        wishes = [hidden]
    if wishes:
        blocks.append(Para(texts.DOCX_WISHES.format(wishes=", ".join(wishes)), indent=True))
    return [*blocks, *_note(survey)]


def _note(survey: SurveyFigures) -> list[Block]:
    """Where the questions come from (not an official form), in italics under the figures."""
    return [Para(texts.DOCX_NOTE.format(note=survey.note), italic=True)] if survey.note else []


def _elements_table(figures: SchoolFigures, survey: SurveyFigures, hidden: str) -> Table:
    previous = texts.REPORT_PREVIOUS[figures.period.kind]
    header = [column.format(previous=previous) for column in texts.DOCX_ELEMENT_HEADER]
    rows = [
        [e.title, percent_or(e.index, hidden), signed(survey.element_change(e.key))]
        for e in survey.score.elements
    ]
    overall = survey.score.overall_index
    rows.append([texts.ROW_OVERALL, percent_or(overall, hidden), signed(survey.overall_change())])
    return Table([header, *rows])


def _tickets(figures: SchoolFigures) -> Para:
    kpis = figures.tickets
    text = texts.DOCX_TICKETS.format(
        received=kpis.received,
        acknowledged=percent(kpis.acknowledged_share),
        due=kpis.due,
        on_time=kpis.on_time,
        rate=percent(kpis.on_time_rate),
        open=sum(kpis.open_by_age),
        overdue=kpis.overdue_open,
        until=texts.DOCX_TICKETS_UNTIL_DAY.format(day=day_text(kpis.as_of))
        if kpis.until_today(figures.period.end)
        else texts.DOCX_TICKETS_UNTIL_END,
    )
    return Para(text, indent=True)


def _news(figures: SchoolFigures) -> Para:
    outreach = figures.outreach
    text = texts.DOCX_NEWS.format(
        news=outreach.news,
        announcements=outreach.announcements,
        delivered=outreach.delivered,
        recipients=outreach.recipients,
        met=outreach.weeks_met,
        weeks=outreach.weeks,
    )
    return Para(text, indent=True)


def _signature() -> Columns:
    first, *rest = texts.DOCX_RECIPIENTS
    left = [Para(first, "left", bold=True, italic=True, size=12)]
    left += [Para(line, "left", size=11) for line in rest]
    right = [
        Para(texts.DOCX_SIGNER, "center", bold=True),
        Para(texts.DOCX_SIGN_NOTE, "center", italic=True, size=12),
        *(Para("", "center") for _ in range(3)),  # room to sign
        Para(texts.DOCX_SIGNER_NAME, "center", bold=True),
    ]
    return Columns(left, right, split=0.5)
