"""The school's feedback-handling figures for a period ("100 % received and resolved on time")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

AGE_BUCKETS = ((0, 7), (8, 14), (15, 30), (31, None))  # days since receipt, inclusive


@dataclass(frozen=True)
class TicketFacts:
    """What the figures need of one ticket; dates are local (Asia/Ho_Chi_Minh) days."""

    received_on: date
    acknowledged_on: date | None  # the receipt number was given to the sender
    decide_due: date
    forward_due: date | None
    resolve_due: date | None  # set when accepted
    decided_on: date | None  # accepted, forwarded, refused or answered outright
    concluded_on: date | None  # the final answer: resolved, refused or forwarded
    forwarded: bool
    has_sender: bool  # someone can be told the result (not anonymous, not erased)
    notified_on: date | None  # the result was sent to the sender
    rating: int | None
    rated_on: date | None

    @property
    def due_on(self) -> date:
        """The deadline of the stage the ticket is in: resolution once accepted, else decision."""
        return self.resolve_due or self.decide_due

    @property
    def on_time(self) -> bool:
        """Decided by its decision deadline and concluded by its due date."""
        if self.decided_on is None or self.concluded_on is None:
            return False
        decide_by = self.forward_due if self.forwarded and self.forward_due else self.decide_due
        return self.decided_on <= decide_by and self.concluded_on <= self.due_on


@dataclass(frozen=True)
class TicketKpis:
    """The figures of one period; shares and rates are percentages, None when nothing to count."""

    received: int
    acknowledged_share: float | None
    due: int
    on_time: int
    on_time_rate: float | None
    concluded: int
    notified_share: float | None
    open_by_age: tuple[int, ...]  # counts per AGE_BUCKETS
    overdue_open: int
    oldest_open_days: int | None
    ratings: int
    mean_rating: float | None
    as_of: date  # the last day counted: the period's end, or today when the period reaches past it

    def until_today(self, end: date) -> bool:
        """Whether the period ending `end` was counted only up to today (it is not over)."""
        return self.as_of < end


def as_of(end: date, today: date) -> date:
    """The last day a period's ticket figures can count: its end, or today if that comes first.

    A due date after today has not come: a ticket due then is neither due nor overdue yet.
    """
    return min(end, today)


def ticket_kpis(
    tickets: Iterable[TicketFacts], start: date, end: date, *, today: date
) -> TicketKpis:
    """The KPIs of the period from `start` to `end` (both included), as they stand at its end —
    or as they stand now, for a period that reaches today or past it (`TicketKpis.as_of` is then
    today): only what has happened and come due by now is counted. A due date comes at the close
    of its day, so today's due dates count only for the tickets already concluded; one still open
    is neither due nor overdue until tomorrow.

    - received: tickets received in the period.
    - acknowledged share = received in the period and given their receipt number the same day
      ÷ received in the period.
    - on-time rate = due in the period and handled on time ÷ due in the period. A ticket is due on
      the deadline of its stage (resolution once accepted, else decision); it is on time when it
      was decided by its decision deadline (the shorter forwarding limit if it was forwarded) and
      concluded (resolved, refused or forwarded, the parent told) by its due date. One still open
      after its due date counts as late.
    - notified share = concluded in the period with a sender to tell and the result sent to them
      ÷ concluded in the period with a sender to tell (anonymous tickets have none).
    - open by age: tickets received by the last day counted and not concluded by then, by days
      since receipt (AGE_BUCKETS); overdue open: those of them whose due date has passed by the
      close of that day (by now, when that day is today); oldest open: the age in days of the
      oldest.
    - mean rating: the mean of the 1–5 ratings given in the period.
    """

    live = end >= today  # the last day counted is not over yet
    end = as_of(end, today)

    def within(day: date) -> bool:
        return start <= day <= end

    def come_due(ticket: TicketFacts) -> bool:
        closed = ticket.due_on < end or not live or _concluded_by(ticket, end)
        return ticket.due_on <= end and closed

    received = due = on_time = concluded = with_sender = notified = 0
    acknowledged = overdue = 0
    ratings: list[int] = []
    ages: list[int] = []
    for ticket in tickets:
        if within(ticket.received_on):
            received += 1
            acknowledged += ticket.acknowledged_on == ticket.received_on
        if within(ticket.due_on) and come_due(ticket):
            due += 1
            on_time += ticket.on_time
        if ticket.concluded_on is not None and within(ticket.concluded_on):
            concluded += 1
            if ticket.has_sender:
                with_sender += 1
                notified += ticket.notified_on is not None
        if ticket.rating is not None and ticket.rated_on is not None and within(ticket.rated_on):
            ratings.append(ticket.rating)
        if start <= end and ticket.received_on <= end and not _concluded_by(ticket, end):
            ages.append((end - ticket.received_on).days)
            overdue += come_due(ticket)
    return TicketKpis(
        received=received,
        acknowledged_share=_share(acknowledged, received),
        due=due,
        on_time=on_time,
        on_time_rate=_share(on_time, due),
        concluded=concluded,
        notified_share=_share(notified, with_sender),
        open_by_age=tuple(
            sum(low <= age and (high is None or age <= high) for age in ages)
            for low, high in AGE_BUCKETS
        ),
        overdue_open=overdue,
        oldest_open_days=max(ages) if ages else None,
        ratings=len(ratings),
        mean_rating=sum(ratings) / len(ratings) if ratings else None,
        as_of=end,
    )


def _concluded_by(ticket: TicketFacts, day: date) -> bool:
    return ticket.concluded_on is not None and ticket.concluded_on <= day


def _share(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None
