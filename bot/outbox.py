"""The sender: every committed outbox row goes out once, within the platforms' limits.

Rows reach it two ways: replies are handed over right after the transaction that wrote them
commits (`enqueue`), and a periodic sweep reads the table (broadcast recipients a page at a time,
rows left by a restart, rows written by another process). It sends only on the channels whose
lease it holds (bot/delivery/lease.py: one sending process per bot token).

Exactly once (see bot/delivery/__init__.py): a row is claimed (`sending`, attempt counted) in a
committed transaction before the platform is called, and its outcome is committed as soon as the
call returns, together with the next claims. A crash between the two leaves the row `sending`;
the next holder of the lease sends a reply again and marks a broadcast's message `unconfirmed`.

Through outages (bot/delivery/outage.py, bot/delivery/retries.py): a platform failure holds the
channel and probes it, each failed message waits longer before its next try, a 429 waits what it
asks without counting, and a message is given up only at its time limit (a WARNING and a count).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.base import (
    Channel,
    ChatGone,
    Outbound,
    RetryLater,
    Unconfirmed,
    Undeliverable,
)
from bot.clock import Clock
from bot.db import Database
from bot.delivery import store
from bot.delivery.lease import Lease, lease_for
from bot.delivery.outage import Outage
from bot.delivery.queues import LANES, REPLY, Key, Lanes, Pending
from bot.delivery.retries import Reason, Retries
from bot.delivery.store import ChatKey, Template, gone_error
from bot.interactions import Signer
from bot.logs import describe_error
from bot.ratelimit import RateLimiter
from bot.transient import Spell

__all__ = ["Outbox", "Pending"]

log = logging.getLogger(__name__)

RELEASE_SECONDS = 2.0  # the most a stop waits for the database to take the last outcomes
LOOK_SECONDS = 1.0  # how often new broadcast rows are looked for (an indexed, usually empty read)
_FINAL = frozenset({"sent", "failed", "dead", "skipped", "unconfirmed"})


class Outbox:
    """The one sender of this process for the channels it was given and holds the lease of."""

    def __init__(
        self,
        db: Database,
        channels: Mapping[str, Channel],
        limiters: Mapping[str, RateLimiter],
        clock: Clock,
        *,
        max_attempts: int = 8,
        give_up_hours: float = 24.0,
        concurrency: int = 48,
        sweep_seconds: float = 5.0,
        timezone: str = "Asia/Ho_Chi_Minh",
        page: int = 2000,
        lease: Lease | None = None,
        signer: Signer | None = None,
    ) -> None:
        self.db = db
        self.channels = channels
        self.limiters = limiters
        self.clock = clock
        self.retries = Retries(timedelta(hours=give_up_hours), max_attempts)
        # no more sends in flight than the HTTP pool has connections: a claimed row must not
        # wait for a connection, or a crash would leave it unconfirmed without having gone out
        self.concurrency = concurrency
        self.sweep_seconds = sweep_seconds
        self.zone = ZoneInfo(timezone)
        self.page = page
        self.lease = lease or lease_for(db)
        self.signer = signer or Signer()
        self.sent = 0  # confirmed by the platform
        # for /metrics: tries again and give-ups per (channel, reason), unconfirmed per channel
        self.retried: Counter[tuple[str, Reason]] = Counter()
        self.given_up: Counter[tuple[str, Reason]] = Counter()
        self.unconfirmed: Counter[str] = Counter()
        self.idle = False  # waiting for work (between two turns of `run`)
        self.lanes = Lanes()
        self.held: set[str] = set()
        self._templates: dict[int, Template] = {}
        self._unreachable: dict[ChatKey, str] = {}
        self._outages = {channel: Outage() for channel in channels}
        self._spell = Spell(log, "outbox")
        self._in_flight: Counter[str] = Counter()
        self._outcomes: list[tuple[Pending, dict[str, Any]]] = []
        self._gone: list[tuple[ChatKey, str]] = []
        self._back: list[ChatKey] = []
        self._cursors = dict.fromkeys(LANES[1:], 0)
        self._more = dict.fromkeys(LANES[1:], True)
        self._next_look = 0.0
        self._tasks: set[asyncio.Task[None]] = set()
        self._wakeup = asyncio.Event()
        self._sweep_wanted = True
        self._stopping = False
        self._cycle_lock = asyncio.Lock()

    @property
    def depth(self) -> int:
        """Rows held in memory (waiting, in flight, or awaiting their outcome's commit)."""
        return len(self.lanes.known)

    def enqueue(self, rows: Iterable[Pending]) -> None:
        """Takes replies whose transaction has just committed."""
        for row in rows:
            if row.channel in self.held:
                self.lanes.add(row)
        self._wakeup.set()

    def wake(self) -> None:
        """Asks for a sweep of the table soon (rows written without being handed over)."""
        self._sweep_wanted = True
        self._wakeup.set()

    async def run(self) -> None:
        """Sends until stopped; cancelling it stops at once, as a crash would (see module doc)."""
        loop = asyncio.get_running_loop()
        next_sweep = 0.0
        try:
            while not self._stopping:
                self._wakeup.clear()
                sweep = self._sweep_wanted or loop.time() >= next_sweep
                if sweep:
                    self._sweep_wanted = False
                    next_sweep = loop.time() + self.sweep_seconds
                pause = await self._guarded(self._cycle(sweep=sweep))
                pause = min(pause, max(0.0, next_sweep - loop.time()))
                self.idle = True
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wakeup.wait(), timeout=max(pause, 0.001))
                self.idle = False
        except asyncio.CancelledError:
            for task in list(self._tasks):
                task.cancel()
            await self.lease.release()
            raise

    @property
    def in_flight(self) -> int:
        """Sends waiting for the platform's answer now."""
        return len(self._tasks)

    async def stop(self) -> None:
        """Claims no more; lets the sends in flight finish and records their outcomes, releases
        anything still claimed (`release`) and gives up the leases. Cancelled (the stop's time
        is up), it cancels the sends still in flight and releases them all the same."""
        self._stopping = True
        self._wakeup.set()
        try:
            async with self._cycle_lock:
                if self._tasks:
                    await asyncio.gather(*self._tasks, return_exceptions=True)
        finally:
            for task in list(self._tasks):
                task.cancel()
            await self.release()

    async def release(self) -> None:
        """Records the outcomes gathered, hands back what this sender claimed and left unsettled
        (a reply to pending, to go at the next start or on another replica; a broadcast's
        message, maybe delivered, to unconfirmed, as after a crash) and gives up the leases."""
        held, self.held = sorted(self.held), set()
        try:
            async with asyncio.timeout(RELEASE_SECONDS):
                await self._commit([])
                async with self.db.transaction() as session:
                    for channel in held:
                        await self._recover(
                            session, channel, "stopped with sends unanswered", "back to pending"
                        )
        except Exception as error:  # the database is away: the next holder of the lease does it
            log.warning("outbox: releasing at stop failed (%s)", describe_error(error))
        finally:
            await self.lease.release()

    async def drain(self) -> None:
        """Sends everything due now and records the outcomes (tests, demo seeding)."""
        await self._cycle(sweep=True)
        self.lanes.ready_everything()
        while True:
            await self._cycle(sweep=False)
            if self._tasks:
                await asyncio.gather(*list(self._tasks), return_exceptions=True)
                continue
            # what waits for a rate limit or a later time stays for the next drain
            if not (self._outcomes or self._gone or self._back or self._wants_top_up()):
                break

    # --- one turn of the loop --------------------------------------------------------------------

    async def _cycle(self, *, sweep: bool) -> float:
        """Sweeps if asked, claims what may go now with the outcomes so far, starts the sends."""
        async with self._cycle_lock:
            if self._stopping:
                return 1.0
            if sweep:
                await self._refresh()
            loop_now = asyncio.get_running_loop().time()
            if loop_now >= self._next_look:  # a broadcast released since: start it within 1 s
                self._next_look = loop_now + LOOK_SECONDS
                self._more = dict.fromkeys(self._more, True)
            if self._wants_top_up():
                await self._top_up()
            batch, pause = self._pump(loop_now)
            claimed = await self._commit(batch)
            for key, item in batch:
                if item.id in claimed:
                    item.attempts += 1
                    self._in_flight[item.channel] += 1
                    task = asyncio.get_running_loop().create_task(self._send(key, item))
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
                else:  # taken by another sender or cancelled meanwhile: not ours to send
                    self.lanes.forget(item)
                    self.lanes.done(key)
            return pause

    def _pump(self, loop_now: float) -> tuple[list[tuple[Key, Pending]], float]:
        """Takes every message allowed now, lane by lane; returns them and the time to wait."""
        self.lanes.release_timers(loop_now)
        now = self.clock.now()
        batch: list[tuple[Key, Pending]] = []
        waits: list[float] = []
        stalled: set[str] = set()  # held after failures, or waiting for its probe's outcome
        for channel in self.lanes.channels():
            limiter = self.limiters.get(channel)
            outage = self._outage(channel)
            if (hold := outage.wait(now)) > 0:
                waits.append(hold)
                stalled.add(channel)
                continue
            taken = 0
            while len(self._tasks) + len(batch) < self.concurrency:
                if outage.probing and self._in_flight[channel] + taken > 0:
                    stalled.add(channel)
                    break
                if limiter is not None and (wait := limiter.overall_wait(loop_now)) > 0:
                    waits.append(wait)
                    break
                key = self.lanes.pop_ready(channel)
                if key is None:
                    break
                item = self.lanes.head(key)
                if now >= self._deadline(item):
                    self._give_up(self.lanes.start(key), item.failure or "expired")
                    self.lanes.done(key)
                    continue
                delay = self._delay(item, now)
                if delay > 0:
                    self.lanes.later(key, delay, loop_now)
                    continue
                if item.lane != REPLY and (reason := self._unreachable.get(key[:2])):
                    self._settle(self.lanes.start(key), "skipped", error=gone_error(reason))
                    self.lanes.done(key)
                    continue
                if limiter is not None and self._answers_a_tap(item):
                    # a tap's answer (a callback toast) is no message in the chat: it waits for
                    # no chat's or group's bucket, so "Đã xem" in a busy class group is at once
                    limiter.overall.take(loop_now)
                elif limiter is not None:
                    wait = limiter.wait(item.chat_id, item.group, loop_now)
                    if wait > 0:
                        self.lanes.later(key, wait, loop_now)
                        continue
                    limiter.take(item.chat_id, item.group, loop_now)
                batch.append((key, self.lanes.start(key)))
                taken += 1
        ready = any(channel not in stalled for channel in self.lanes.channels())
        if ready and len(self._tasks) + len(batch) < self.concurrency:
            waits.append(0.0)
        timer = self.lanes.next_timer(loop_now)
        return batch, min([*waits, 1.0 if timer is None else timer])

    def _answers_a_tap(self, item: Pending) -> bool:
        """Whether the row only answers a tap: an ack on a platform whose taps are answered in
        place (Telegram's answerCallbackQuery, the web page's notice); on Zalo an ack is a
        message like any other."""
        channel = self.channels.get(item.channel)
        body = item.body or {}
        return body.get("kind") == "ack" and channel is not None and channel.can_edit

    def _deadline(self, item: Pending) -> datetime:
        """When the message is given up; a broadcast released in its quiet hours counts from
        their end, not from its release."""
        template = self._templates.get(item.broadcast_id or 0)
        quiet = template.quiet if template is not None else None
        allowed = quiet.until(item.queued_at, self.zone) if quiet is not None else None
        return self.retries.deadline(item, allowed)

    def _delay(self, item: Pending, now: datetime) -> float:
        """Seconds until this message may go: its retry time, or the end of quiet hours."""
        if item.not_before > now:
            return (item.not_before - now).total_seconds()
        template = self._templates.get(item.broadcast_id or 0)
        if template is not None and template.quiet is not None:
            until = template.quiet.until(now, self.zone)
            if until is not None:
                item.not_before = until
                return (until - now).total_seconds()
        return 0.0

    async def _commit(self, batch: list[tuple[Key, Pending]]) -> set[int]:
        """One transaction: the outcomes gathered so far, then the claims of the next sends."""
        outcomes, self._outcomes = self._outcomes, []
        gone, self._gone = self._gone, []
        back, self._back = self._back, []
        if not (outcomes or gone or back or batch):
            return set()
        try:
            async with self.db.transaction() as session:
                await store.record(session, [values for _, values in outcomes])
                await store.mark_unreachable(session, gone, self.clock.now())
                await store.clear_unreachable(session, back)
                claimed = await store.claim(session, [item.id for _, item in batch])
        except BaseException:
            self._outcomes[:0], self._gone[:0], self._back[:0] = outcomes, gone, back
            for key, item in batch:
                self.lanes.put_back(item)
                self.lanes.done(key)
            raise
        for item, values in outcomes:
            if values["status"] in _FINAL:
                self.lanes.forget(item)
        return claimed

    # --- one message -----------------------------------------------------------------------------

    async def _send(self, key: Key, item: Pending) -> None:
        outage = self._outage(item.channel)
        try:
            external_id = await self.channels[item.channel].send(self._outbound(item))
        except RetryLater as error:
            if error.flood:
                self._flooded(item, error)
            else:
                self._failed(item, "unavailable", str(error), error.seconds)
        except Unconfirmed as error:  # written, unanswered: maybe delivered
            self._timed_out(item, str(error))
        except ChatGone as error:
            outage.succeeded()
            if item.attempts < error.confirm_tries:
                self._unsure_gone(item, error)
                return
            log.info("outbox %s: chat unreachable: %s", item.id, error)
            self._gone.append(((item.channel, item.chat_id), str(error)))
            self._unreachable[(item.channel, item.chat_id)] = str(error)
            self._settle(item, "failed", error=gone_error(str(error)))
        except Undeliverable as error:
            outage.succeeded()
            log.warning("outbox %s undeliverable: %s", item.id, error)
            self._settle(item, "failed", error=str(error))
        except Exception as error:
            log.exception("outbox %s failed", item.id)
            self._failed(item, "error", describe_error(error))
        else:
            outage.succeeded()
            self.sent += 1
            if self._unreachable.pop((item.channel, item.chat_id), None) is not None:
                self._back.append((item.channel, item.chat_id))
            self._settle(item, "sent", external_id=external_id, sent_at=self.clock.now())
        finally:
            self._in_flight[item.channel] -= 1
            self.lanes.done(key)
            self._wakeup.set()

    def _outbound(self, item: Pending) -> Outbound:
        """The message as it goes out: its buttons signed for the chat it goes to."""
        if item.body is not None:
            message = Outbound.from_json(item.body)
        else:
            body = self._templates[item.broadcast_id or 0].body
            meta = {"group": item.to_group, "broadcast": item.broadcast_id}
            message = Outbound.from_json({**body, "chat_id": item.chat_id, "meta": meta})
        return self.signer.sign_for(item.channel, message)

    def _outage(self, channel: str) -> Outage:
        return self._outages.setdefault(channel, Outage())

    def _flooded(self, item: Pending, error: RetryLater) -> None:
        """A 429: the chat (or the token) waits what the platform asked; not a failed try."""
        now = self.clock.now()
        item.attempts -= 1
        news = self._outage(item.channel).flooded(now, item.chat_id, error.seconds)
        if news and (limiter := self.limiters.get(item.channel)) is not None:
            limiter.slow_down(asyncio.get_running_loop().time())
        item.failure, item.error = "rate_limited", str(error)
        self.retried[(item.channel, "rate_limited")] += 1
        self._retry(item, error.seconds, now)

    def _unsure_gone(self, item: Pending, error: ChatGone) -> None:
        """A "not found" that may pass: tried again later; the chat is not called gone yet."""
        log.info("outbox %s: chat not found (try %d), trying again", item.id, item.attempts)
        item.failure, item.error = "not_found", str(error)
        self.retried[(item.channel, "not_found")] += 1
        delay = self.retries.delay(item.attempts, error.confirm_wait)
        self._retry(item, delay, self.clock.now())

    def _timed_out(self, item: Pending, error: str) -> None:
        """No answer in time: a reply is sent again, a broadcast's message is left unconfirmed."""
        if item.lane == REPLY:  # a parent would rather see it twice than never
            self._failed(item, "timeout", error)
            return
        self._outage(item.channel).failed(self.clock.now())
        log.warning("outbox %s unconfirmed: %s", item.id, error)
        self.unconfirmed[item.channel] += 1
        self._settle(item, "unconfirmed", error=error)

    def _failed(self, item: Pending, reason: Reason, error: str, hint: float = 0.0) -> None:
        """A failed try: the channel is held if the platform failed; the message tries again."""
        now = self.clock.now()
        if reason != "error":  # the bot's own error says nothing of the platform
            self._outage(item.channel).failed(now)
        item.failure, item.error = reason, error
        if reason == "error" and self.retries.spent(item):
            self._give_up(item, reason)
            return
        self.retried[(item.channel, reason)] += 1
        self._retry(item, self.retries.delay(item.attempts, hint), now)

    def _retry(self, item: Pending, seconds: float, now: datetime) -> None:
        """Puts the message back to go in `seconds`, or at its time limit if that is sooner."""
        item.not_before = min(now + timedelta(seconds=seconds), self._deadline(item))
        self.lanes.put_back(item)
        self._settle(item, "pending", error=item.error)

    def _give_up(self, item: Pending, reason: Reason) -> None:
        """The message has not gone within its time limit (or keeps failing on our side)."""
        hours = (self.clock.now() - item.queued_at).total_seconds() / 3600
        log.warning(
            "outbox %s given up: %s, %d attempts in %.1f h", item.id, reason, item.attempts, hours
        )
        self.given_up[(item.channel, reason)] += 1
        last = f"; last error: {item.error}" if item.error else ""
        self._settle(item, "dead", error=f"given up: {reason}{last}"[:1000])

    def _settle(self, item: Pending, status: str, **values: Any) -> None:
        """Records an outcome, committed with the next claim (at once: the loop is woken)."""
        self._outcomes.append(
            (
                item,
                {
                    "o_id": item.id,
                    "status": status,
                    "attempts": item.attempts,
                    "sent_at": values.get("sent_at"),
                    "external_id": values.get("external_id"),
                    "not_before": item.not_before,
                    "error": values.get("error"),
                },
            )
        )

    async def _recover(self, session: AsyncSession, channel: str, when: str, replies: str) -> None:
        """Settles what a sender of this channel claimed and left unanswered (store.recover):
        replies back to pending, a broadcast's messages unconfirmed, counted and said once."""
        found = await store.recover(session, channel)
        if found.resent or found.unconfirmed:
            log.warning(
                "%s: %s: %d replies %s, %d broadcast messages unconfirmed",
                channel, when, found.resent, replies, found.unconfirmed,
            )  # fmt: skip
        self.unconfirmed[channel] += found.unconfirmed

    # --- reading the table -----------------------------------------------------------------------

    async def _refresh(self) -> None:
        """Takes the leases it can, checks the ones held, and reads pending replies."""
        if self.held and not await self.lease.healthy():
            for channel in self.held:
                self.lanes.drop_channel(channel)
            self.held.clear()
        new = [c for c in self.channels if c not in self.held and await self.lease.acquire(c)]
        if new:
            async with self.db.transaction() as session:
                for channel in new:
                    await self._recover(session, channel, "in flight at a crash", "sent again")
                self._unreachable.update(await store.unreachable(session, new))
            self.held.update(new)
        if not self.held:
            return
        self._cursors = dict.fromkeys(self._cursors, 0)  # rows committed out of id order too
        self._more = dict.fromkeys(self._more, True)
        async with self.db.sessions() as session:
            for row in await store.load_replies(session, sorted(self.held), self.page):
                self.lanes.add(row)

    def _wants_top_up(self) -> bool:
        more = bool(self.held) and any(self._more.values())
        return more and self.lanes.bulk_held < self.page // 2

    async def _top_up(self) -> None:
        """Reads the next page of broadcast recipients, announcements first."""
        room = self.page - self.lanes.bulk_held
        async with self.db.sessions() as session:
            for lane, after in self._cursors.items():
                if room <= 0 or not self._more[lane]:
                    continue
                rows = await store.load_lane(session, sorted(self.held), lane, after, room)
                self._more[lane] = len(rows) == room
                if rows:
                    self._cursors[lane] = rows[-1].id
                wanted = {r.broadcast_id for r in rows if r.broadcast_id is not None}
                wanted -= self._templates.keys()
                if wanted:
                    self._templates.update(await store.load_templates(session, wanted))
                room -= sum(self.lanes.add(row) for row in rows)
        for broadcast_id in [b for b in self._templates if b not in self.lanes.per_broadcast]:
            del self._templates[broadcast_id]

    async def _guarded(self, work: Any) -> float:
        try:
            pause: float = await work
        except Exception as error:  # the database may be down: keep going, the rows stay
            if not self._spell.failed(error):
                log.exception("outbox bookkeeping failed")
            await asyncio.sleep(1.0)
            return 1.0
        self._spell.passed()
        return pause
