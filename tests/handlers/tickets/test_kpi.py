"""The feedback KPIs of a period, each definition checked on hand-made tickets."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from handlers.tickets.kpi import TicketFacts, ticket_kpis

WEEK = (date(2026, 11, 30), date(2026, 12, 6))
AFTER = date(2026, 12, 7)  # the week is over: it is counted as it stood at its end


def ticket(**changes: object) -> TicketFacts:
    """A petition received Monday 23/11, due 8/12, acknowledged at once, nothing else yet."""
    base = TicketFacts(
        received_on=date(2026, 11, 23),
        acknowledged_on=date(2026, 11, 23),
        decide_due=date(2026, 12, 3),
        forward_due=None,
        resolve_due=None,
        decided_on=None,
        concluded_on=None,
        forwarded=False,
        has_sender=True,
        notified_on=None,
        rating=None,
        rated_on=None,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_on_time_rate_is_closed_by_due_date_over_due_in_the_period() -> None:
    tickets = [
        # decided and resolved in time
        ticket(decided_on=date(2026, 11, 25), concluded_on=date(2026, 12, 2)),
        # concluded after its due date
        ticket(decided_on=date(2026, 11, 25), concluded_on=date(2026, 12, 4)),
        # still open after its due date
        ticket(),
        # accepted late although resolved within the resolution deadline
        ticket(
            decided_on=date(2026, 12, 4),
            resolve_due=date(2026, 12, 5),
            concluded_on=date(2026, 12, 5),
        ),
        # due next week: not counted this week
        ticket(decide_due=date(2026, 12, 10)),
        # accepted: due at the end of resolution, which falls in the period, and met
        ticket(
            decided_on=date(2026, 11, 24),
            resolve_due=date(2026, 12, 6),
            concluded_on=date(2026, 12, 6),
        ),
    ]
    kpis = ticket_kpis(tickets, *WEEK, today=AFTER)
    assert (kpis.due, kpis.on_time) == (5, 2)
    assert kpis.on_time_rate == 40.0


def test_a_forwarded_ticket_must_meet_the_shorter_forwarding_limit() -> None:
    late = ticket(
        forward_due=date(2026, 12, 1),
        decided_on=date(2026, 12, 2),
        concluded_on=date(2026, 12, 2),
        forwarded=True,
    )
    on_time = replace(late, decided_on=date(2026, 12, 1), concluded_on=date(2026, 12, 1))
    assert not late.on_time and on_time.on_time
    assert ticket_kpis([late, on_time], *WEEK, today=AFTER).on_time_rate == 50.0


def test_received_acknowledged_notified_and_rated_in_the_period() -> None:
    in_week = date(2026, 12, 1)
    tickets = [
        ticket(received_on=in_week, acknowledged_on=in_week),
        ticket(received_on=in_week, acknowledged_on=date(2026, 12, 2)),  # a day late
        ticket(
            decided_on=in_week,
            concluded_on=in_week,
            notified_on=in_week,
            rating=5,
            rated_on=in_week,
        ),
        ticket(decided_on=in_week, concluded_on=in_week, rating=2, rated_on=in_week),
        ticket(decided_on=in_week, concluded_on=in_week, has_sender=False),  # anonymous
        ticket(rating=1, rated_on=date(2026, 11, 29)),  # rated last week
    ]
    kpis = ticket_kpis(tickets, *WEEK, today=AFTER)
    assert kpis.received == 2 and kpis.acknowledged_share == 50.0
    assert kpis.concluded == 3 and kpis.notified_share == 50.0
    assert kpis.ratings == 2 and kpis.mean_rating == 3.5


def test_open_tickets_by_age_at_the_end_of_the_period() -> None:
    end = WEEK[1]
    tickets = [
        ticket(received_on=date(2026, 12, 4), decide_due=date(2026, 12, 18)),  # 2 days
        ticket(received_on=date(2026, 11, 23)),  # 13 days, overdue since 3/12
        ticket(received_on=date(2026, 11, 1), decide_due=date(2026, 11, 13)),  # 35 days, overdue
        # 16 days, concluded after the period ended: open (and overdue) at its end
        ticket(received_on=date(2026, 11, 20), concluded_on=date(2026, 12, 7)),
        ticket(received_on=date(2026, 11, 20), concluded_on=date(2026, 12, 1)),  # closed
        ticket(received_on=date(2026, 12, 7)),  # not yet received at the end
    ]
    kpis = ticket_kpis(tickets, WEEK[0], end, today=AFTER)
    assert kpis.open_by_age == (1, 1, 1, 1)
    assert kpis.overdue_open == 3
    assert kpis.oldest_open_days == 35


def test_an_empty_period_has_no_rates_rather_than_zero() -> None:
    kpis = ticket_kpis([], *WEEK, today=AFTER)
    assert kpis.received == kpis.due == kpis.concluded == 0
    assert kpis.acknowledged_share is None and kpis.on_time_rate is None
    assert kpis.notified_share is None and kpis.mean_rating is None
    assert kpis.open_by_age == (0, 0, 0, 0) and kpis.oldest_open_days is None


def test_a_period_reaching_past_today_is_counted_as_of_today() -> None:
    today = date(2026, 12, 3)  # Thursday, inside the week 30/11–6/12
    tickets = [
        ticket(decide_due=date(2026, 12, 2)),  # yesterday, still open: due and late, overdue
        ticket(decide_due=today),  # today, still open: the day is not over, not due yet
        # today, answered today: due and on time
        ticket(decide_due=today, decided_on=today, concluded_on=today),
        ticket(decide_due=date(2026, 12, 4)),  # tomorrow: neither due nor overdue
        ticket(received_on=date(2026, 12, 4), decide_due=date(2026, 12, 18)),  # not yet received
    ]
    kpis = ticket_kpis(tickets, *WEEK, today=today)
    assert kpis.as_of == today and kpis.until_today(WEEK[1])
    assert (kpis.due, kpis.on_time) == (2, 1)
    assert kpis.overdue_open == 1
    assert sum(kpis.open_by_age) == 3 and kpis.oldest_open_days == 10
    # the same week once over: every due date in it has come
    over = ticket_kpis(tickets, *WEEK, today=AFTER)
    assert over.as_of == WEEK[1] and not over.until_today(WEEK[1])
    assert (over.due, over.on_time, over.overdue_open) == (4, 1, 3)


def test_a_period_that_has_not_started_counts_nothing() -> None:
    kpis = ticket_kpis([ticket()], date(2026, 12, 8), date(2026, 12, 14), today=AFTER)
    assert kpis.received == kpis.due == kpis.overdue_open == 0
    assert kpis.open_by_age == (0, 0, 0, 0)
