"""How a ticket reads in chat: to its sender, to staff, and in status messages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from bot.models.tickets import Ticket, TicketEvent
from bot.numbers import vi_number
from handlers import texts
from handlers.results import percent
from handlers.tickets.kpi import TicketKpis
from handlers.tickets.rules import NAMED_KINDS, Limit
from handlers.tickets.store import Terms, due_of, number_of, stage_of


def kind_name(ticket: Ticket) -> str:
    """The kind as the law names it: an anonymous complaint is only information."""
    if ticket.anonymous and ticket.kind in NAMED_KINDS:
        return texts.ANONYMOUS_KIND_NAMES[ticket.kind]
    return texts.KIND_NAMES[ticket.kind]


def day_text(value: date | datetime, terms: Terms) -> str:
    local = terms.today(value) if isinstance(value, datetime) else value
    return local.strftime("%d/%m/%Y")


def status_name(ticket: Ticket) -> str:
    return texts.TICKET_STATUS_NAMES[ticket.status]


def parent_view(ticket: Ticket, events: Sequence[TicketEvent], terms: Terms) -> str:
    """The ticket and its public history, as its sender sees it."""
    head = texts.TICKET_PARENT_VIEW.format(**_fields(ticket, terms))
    return "\n".join([head, texts.TICKET_HISTORY, *history(events, terms)])


def staff_view(ticket: Ticket, sender: str, assignee: str, terms: Terms) -> str:
    """The ticket as staff see it; `sender` is already what this reader may know."""
    return texts.TICKET_STAFF_VIEW.format(
        **_fields(ticket, terms),
        source=limit_of(ticket, terms).source,
        sender=sender,
        assignee=assignee,
    )


def limit_of(ticket: Ticket, terms: Terms) -> Limit:
    """The limit the ticket's current due date comes from, extensions included."""
    rule = terms.rule(ticket)
    if stage_of(ticket) == "resolve":
        return rule.extension if ticket.extensions and rule.extension else rule.resolve
    if ticket.decide_extension_reason is not None and rule.decide_extended:
        return rule.decide_extended
    return rule.decide


def _fields(ticket: Ticket, terms: Terms) -> dict[str, str]:
    return {
        "number": number_of(ticket),
        "kind": kind_name(ticket),
        "topic": texts.TOPIC_NAMES[ticket.topic],
        "status": status_name(ticket),
        "received": day_text(ticket.received_at, terms),
        "due": day_text(due_of(ticket), terms),
        "text": ticket.text,
    }


def history(events: Sequence[TicketEvent], terms: Terms) -> list[str]:
    return [
        texts.TICKET_HISTORY_LINE.format(
            date=day_text(event.at, terms),
            action=texts.TICKET_ACTION_NAMES[event.action],
            note=f": {event.note}" if event.note else "",
        )
        for event in events
    ]


def update_text(ticket: Ticket, action: str, note: str, terms: Terms) -> str:
    """The message telling the sender what changed."""
    head = texts.TICKET_UPDATE.format(
        number=number_of(ticket), kind=kind_name(ticket), status=status_name(ticket)
    )
    detail = texts.TICKET_UPDATE_NOTES.get(action, "")
    return head + detail.format(note=note, due=day_text(due_of(ticket), terms))


def kpi_text(kpis: TicketKpis, start: date, end: date, terms: Terms) -> str:
    """The period's figures as the principal reads them (`hailong tickets kpi`)."""
    mean = "–" if kpis.mean_rating is None else vi_number(kpis.mean_rating)
    return "\n".join(
        [
            _kpi_header(kpis, start, end, terms),
            texts.KPI_RECEIVED.format(
                received=vi_number(kpis.received), acknowledged=percent(kpis.acknowledged_share)
            ),
            texts.KPI_ON_TIME.format(
                on_time=vi_number(kpis.on_time),
                due=vi_number(kpis.due),
                rate=percent(kpis.on_time_rate),
            ),
            texts.KPI_NOTIFIED.format(
                concluded=vi_number(kpis.concluded), share=percent(kpis.notified_share)
            ),
            texts.KPI_OPEN.format(
                open=vi_number(sum(kpis.open_by_age)),
                overdue=vi_number(kpis.overdue_open),
                ages=[vi_number(age) for age in kpis.open_by_age],
            ),
            texts.KPI_RATING.format(mean=mean, ratings=vi_number(kpis.ratings)),
        ]
    )


def _kpi_header(kpis: TicketKpis, start: date, end: date, terms: Terms) -> str:
    """The period, and the day it is counted to when it is not over ("đến hôm nay")."""
    header = texts.KPI_HEADER.format(start=day_text(start, terms), end=day_text(end, terms))
    if kpis.until_today(end):
        return header.removesuffix(":") + texts.KPI_UNTIL_TODAY.format(
            today=day_text(kpis.as_of, terms)
        )
    return header
