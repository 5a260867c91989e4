"""The report draft to the school's managing body (DOCX), in the style of its own CCHC reports.

It follows the seed report (`shared/seeds/001_…`): the heading of Nghị định 30/2020/NĐ-CP
(Phụ lục I: the managing body above the school, the number, place and date; see
`bot.reports.document`), "BÁO CÁO" and its subject with a rule under it (mục II.5), "Kính gửi:
<the managing body>", the basis to fill in, then the survey paragraph with the real figures ("Số
CMHS tham gia khảo sát X/Y CMHS. Kết quả: Z % CMHS … hài lòng …"), the tickets, the news; "Nơi
nhận" and the signature. What only the school knows when it signs (the number, the day, the plans
it acts on) is left as "…" to fill in. A period not over yet is reported up to today, the last
day its figures hold.
"""

from __future__ import annotations

from datetime import date

from bot.numbers import vi_number
from bot.reports.metrics import NO_BREAK
from bot.reports.model import Block, Columns, Document, Letterhead, Para, Table
from handlers import texts
from handlers.reports.addressee import Addressee, held_together
from handlers.reports.figures import SchoolFigures, SurveyFigures
from handlers.reports.small_groups import mark
from handlers.reports.summary import top_wishes
from handlers.reports.wording import day_text, meets, percent, percent_or, period_label, signed


def report_document(
    figures: SchoolFigures, survey_key: str, today: date, min_group: int, addressee: Addressee
) -> Document:
    """The draft for the period of `figures`, from the school to `addressee`; `survey_key` names
    the survey it reports on."""
    period = period_label(figures.period)
    survey = figures.survey(survey_key) or (figures.surveys[0] if figures.surveys else None)
    school = held_together(figures.name)
    recipient = held_together(addressee.recipient) or texts.DOCX_BLANK
    subject = texts.DOCX_SUBJECT.format(period=period.replace(" ", NO_BREAK), school=school)
    blocks: list[Block] = [
        letterhead(figures.name, addressee),
        Para(texts.DOCX_TITLE, "center", bold=True, size=14, space_before=18),
        Para(subject, "center", bold=True, rule=0.4),
        Para(texts.DOCX_TO.format(recipient=recipient), "center", space_before=12),
        Para(texts.DOCX_BASIS.format(year=figures.period.end.year), indent=True, italic=True),
        Para(
            texts.DOCX_INTRO.format(
                school=school,
                period=period,
                start=day_text(figures.period.start),
                end=day_text(last_day(figures, today)),
            ),
            indent=True,
        ),
        Para(texts.DOCX_SURVEY_HEADING, bold=True),
        *_survey_blocks(figures, survey, min_group),
        Para(texts.DOCX_TICKETS_HEADING, bold=True),
        _tickets(figures),
        Para(texts.DOCX_NEWS_HEADING, bold=True),
        _news(figures),
        Para(texts.DOCX_CLOSING.format(period=period, school=school), indent=True),
        _signature(),
    ]
    return Document(blocks)


def letterhead(school: str, addressee: Addressee) -> Letterhead:
    """The heading: the managing body over the school, the number, the place and date."""
    return Letterhead(
        managing_body=held_together(addressee.managing_body),
        issuer=held_together(school),
        number=texts.DOCX_NUMBER.format(abbreviation=addressee.abbreviation or texts.DOCX_BLANK),
        nation=texts.DOCX_NATION,
        motto=texts.DOCX_MOTTO,
        place_date=texts.DOCX_PLACE_DATE.format(place=addressee.place or texts.DOCX_BLANK),
    )


def last_day(figures: SchoolFigures, today: date) -> date:
    """The period's last day, or today while it is not over: the last day with figures."""
    period = figures.period
    return max(period.start, min(period.end, today))


def _survey_blocks(
    figures: SchoolFigures, survey: SurveyFigures | None, min_group: int
) -> list[Block]:
    if survey is None:
        return [Para(texts.DOCX_SURVEY_NONE, indent=True)]
    score = survey.score
    hidden = mark(min_group)
    if score.suppressed:
        text = texts.DOCX_SURVEY_SUPPRESSED.format(
            answered=vi_number(survey.answered),
            invited=vi_number(survey.invited),
            n=vi_number(score.respondents),
            mark=hidden,
        )
        return [Para(text, indent=True), *_note(survey)]
    overall = score.overall_index
    met = overall is not None and meets(overall, figures.target)
    blocks: list[Block] = [
        Para(
            texts.DOCX_SURVEY.format(
                answered=vi_number(survey.answered),
                invited=vi_number(survey.invited),
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
    wishes = [texts.REPORT_WISH.format(label=w, count=vi_number(n)) for w, n in top_wishes(survey)]
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
        received=vi_number(kpis.received),
        acknowledged=percent(kpis.acknowledged_share),
        due=vi_number(kpis.due),
        on_time=vi_number(kpis.on_time),
        rate=percent(kpis.on_time_rate),
        open=vi_number(sum(kpis.open_by_age)),
        overdue=vi_number(kpis.overdue_open),
        until=texts.DOCX_TICKETS_UNTIL_DAY.format(day=day_text(kpis.as_of))
        if kpis.until_today(figures.period.end)
        else texts.DOCX_TICKETS_UNTIL_END,
    )
    return Para(text, indent=True)


def _news(figures: SchoolFigures) -> Para:
    outreach = figures.outreach
    text = texts.DOCX_NEWS.format(
        news=vi_number(outreach.news),
        announcements=vi_number(outreach.announcements),
        delivered=vi_number(outreach.delivered),
        recipients=vi_number(outreach.recipients),
        met=vi_number(outreach.weeks_met),
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
        Para(texts.DOCX_SIGNER_NAME, "center", bold=True, space_before=60),  # room to sign
    ]
    return Columns(left, right, split=0.5)
