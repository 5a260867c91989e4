"""The work runner: runs what transactions left for after their commit (`work.later(item)`).

An item is a `work_items` row, written in the transaction that decided it, so nothing is run for
a change that rolled back and nothing is lost in a crash. The runner claims due rows in a short
transaction of its own (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so several replicas never take one
row; SQLite has one writer, so the claiming UPDATE is atomic by itself), runs each item's function
outside any transaction, and then, in one short transaction, queues the messages it returned and
deletes the row — only if its claim still holds, so an item is never delivered twice.

A claim lasts `lease_seconds`: a runner that dies (a crash, a kill, a restart) leaves its rows
`running`, and once the claim has run out any runner takes them again. A failing item is tried
again after `backoff_seconds`, four times longer each time; after `max_attempts` it is logged at
WARNING, marked `failed`, and the messages its kind gives for a failure (a polite word to the
person waiting) are queued instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, or_, select, update

from bot.db import table_of
from bot.logs import describe_error
from bot.models.service import WorkItem
from bot.routing import AnyWork, JobContext
from bot.transient import Spell
from bot.unit_of_work import Message, UnitOfWork, decode_item

log = logging.getLogger(__name__)

RELEASE_SECONDS = 2.0  # the most a stop waits for the database to take back unfinished items

_ITEMS = table_of(WorkItem)
# pending and due, or claimed by a runner whose claim has run out
_IS_DUE = (
    or_(_ITEMS.c.status == "pending", _ITEMS.c.status == "running"),
    _ITEMS.c.not_before <= bindparam("now"),
)
_DUE = (
    select(_ITEMS.c.id)
    .where(*_IS_DUE)
    .order_by(_ITEMS.c.id)
    .limit(bindparam("limit"))
    .with_for_update(skip_locked=True)  # PostgreSQL; SQLite's one writer needs no row lock
)
_CLAIM = (
    update(_ITEMS)
    # the rows the subquery returns are locked by this transaction: no other claim takes them
    .where(_ITEMS.c.id.in_(_DUE.scalar_subquery()))
    .values(status="running", attempts=_ITEMS.c.attempts + 1, not_before=bindparam("until"))
    .returning(_ITEMS.c.id, _ITEMS.c.kind, _ITEMS.c.args, _ITEMS.c.attempts)
)
# the claim still ours: nobody took the row over after our lease ran out
_OURS = (_ITEMS.c.id == bindparam("w_id"), _ITEMS.c.attempts == bindparam("w_attempts"))
_DONE = delete(_ITEMS).where(*_OURS, _ITEMS.c.status == "running")
# handed back unfinished at a stop: due now, the attempt not counted
_RELEASE = (
    update(_ITEMS)
    .where(*_OURS, _ITEMS.c.status == "running")
    .values(status="pending", attempts=_ITEMS.c.attempts - 1, not_before=bindparam("w_due"))
)
_SETTLE = (
    update(_ITEMS)
    .where(*_OURS, _ITEMS.c.status == "running")
    .values(status=bindparam("w_status"), not_before=bindparam("w_due"), error=bindparam("w_error"))
)


@dataclass(frozen=True)
class Claimed:
    """A row this runner has claimed: its id, kind, fields and the attempt this is."""

    id: int
    kind: str
    args: dict[str, Any]
    attempts: int


class WorkRunner:
    """Claims due work items and runs them, a few at a time, until stopped."""

    def __init__(
        self,
        kinds: Sequence[AnyWork],
        *,
        max_attempts: int = 3,
        backoff_seconds: float = 15.0,
        lease_seconds: float = 300.0,
        sweep_seconds: float = 15.0,
        concurrency: int = 2,
    ) -> None:
        self.kinds = {kind.name: kind for kind in kinds}
        if len(self.kinds) != len(kinds):
            raise ValueError("two kinds of work share a name")
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        self.lease_seconds = lease_seconds
        self.sweep_seconds = sweep_seconds
        self.concurrency = concurrency  # drawing files is CPU work: a couple at a time
        self.done = 0
        self._wakeup = asyncio.Event()
        self._due = True  # at start: what a dead runner left, or another process wrote
        self._retries: list[datetime] = []  # when the items this runner put back come due
        self._stopping = False
        self._running: dict[asyncio.Task[None], Claimed] = {}
        self._claiming = asyncio.Lock()  # one claim at a time; `stop` waits for the one under way
        self._spell = Spell(log, "work runner")

    def wake(self) -> None:
        """A committed unit of work has queued work: look for it now."""
        self._due = True
        self._wakeup.set()

    async def run(self, job: JobContext) -> None:
        """Runs work as it comes until stopped; looks at the table every `sweep_seconds` too."""
        while not self._stopping:
            self._wakeup.clear()
            try:
                await self._turn(job)
                self._spell.passed()
            except Exception as error:  # the database may be down: the rows stay, try again soon
                if not self._spell.failed(error):
                    log.exception("work runner: claiming failed")
            pause = self.sweep_seconds
            if self._retries:
                soonest = (min(self._retries) - job.services.clock.now()).total_seconds()
                pause = min(pause, max(soonest, 0.0))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=pause)
            self._due = True

    async def drain(self, job: JobContext) -> None:
        """Runs everything due now, and what that leaves due, until nothing is (tests, settle)."""
        while True:
            await self._turn(job)
            if not self._running:
                return
            await asyncio.wait(set(self._running))

    @property
    def running(self) -> int:
        """Items being run now."""
        return len(self._running)

    async def stop(self, job: JobContext) -> None:
        """Lets the items being run finish (their outcome recorded), then stops. Cancelled (the
        stop's time is up), it cancels them and hands their rows back, due now and the attempt
        not counted, rather than leave them claimed until their lease runs out."""
        self._stopping = True
        self._wakeup.set()
        try:
            async with self._claiming:
                pass
            if self._running:
                await asyncio.gather(*set(self._running), return_exceptions=True)
        finally:
            left = [claimed for task, claimed in self._running.items() if not task.done()]
            for task in list(self._running):
                task.cancel()
            if left:
                await self._release(job, left)

    async def _release(self, job: JobContext, left: Sequence[Claimed]) -> None:
        params = [
            {"w_id": c.id, "w_attempts": c.attempts, "w_due": job.services.clock.now()}
            for c in left
        ]
        try:
            async with asyncio.timeout(RELEASE_SECONDS), job.db.transaction() as session:
                await session.execute(_RELEASE, params)
            log.warning(
                "work runner: stopped %d items unfinished; they run at the next start", len(left)
            )
        except Exception as error:  # their claims run out instead
            log.warning("work runner: releasing at stop failed (%s)", describe_error(error))

    async def _turn(self, job: JobContext) -> None:
        """Claims as many due items as there is room for and starts them."""
        async with self._claiming:
            await self._claim_and_start(job)

    async def _claim_and_start(self, job: JobContext) -> None:
        room = self.concurrency - len(self._running)
        now = job.services.clock.now()
        if any(at <= now for at in self._retries):  # a retry has come due
            self._retries = [at for at in self._retries if at > now]
            self._due = True
        if room <= 0 or not self._due or self._stopping:
            return
        self._due = False
        claimed = await self._claim(job, room)
        if len(claimed) == room:  # maybe more: look again when one is done
            self._due = True
        for item in claimed:
            task = asyncio.get_running_loop().create_task(self._run_one(job, item))
            self._running[task] = item
            task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._running.pop(task, None)
        self._wakeup.set()

    async def _claim(self, job: JobContext, limit: int) -> list[Claimed]:
        now = job.services.clock.now()
        until = now + timedelta(seconds=self.lease_seconds)
        async with job.db.transaction() as session:
            rows = await session.execute(_CLAIM, {"now": now, "limit": limit, "until": until})
            return [Claimed(row.id, row.kind, row.args, row.attempts) for row in rows]

    async def _run_one(self, job: JobContext, claimed: Claimed) -> None:
        """Runs an item outside any transaction, then settles it (messages, or a retry)."""
        kind = self.kinds.get(claimed.kind)
        try:
            if kind is None:
                raise LookupError(f"no work kind {claimed.kind!r} in handlers.surface.WORK")
            item = decode_item(kind.item, claimed.args)
            messages = await kind.function(item, job)
        except Exception as error:
            await self._guarded(self._failed(job, claimed, kind, error), claimed)
            return
        await self._guarded(self._succeeded(job, claimed, messages), claimed)

    async def _succeeded(
        self, job: JobContext, claimed: Claimed, messages: Sequence[Message]
    ) -> None:
        """Queues the item's messages and removes it, in one transaction, if it is still ours."""
        async with job.transaction() as work:
            if not await _settled(work, _DONE, claimed):
                raise _TakenOver
            _queue(work, messages)
        self.done += 1

    async def _guarded(self, settling: Awaitable[None], claimed: Claimed) -> None:
        """Settles an item; if that fails the claim runs out and the item is run again."""
        try:
            await settling
        except _TakenOver:
            log.warning("work item %s was taken over by another runner", claimed.id)
        except Exception:
            log.exception("work item %s: recording its outcome failed", claimed.id)

    async def _failed(
        self, job: JobContext, claimed: Claimed, kind: AnyWork | None, error: Exception
    ) -> None:
        """Schedules another attempt, or gives the item up with a word to whoever waits for it."""
        now = job.services.clock.now()
        last = kind is None or claimed.attempts >= self.max_attempts
        if not last:
            log.info("work item %s (%s) failed, will retry: %r", claimed.id, claimed.kind, error)
            due = now + timedelta(seconds=self.backoff_seconds * 4 ** (claimed.attempts - 1))
            values: dict[str, object] = {"w_status": "pending", "w_due": due}
            self._retries.append(due)
        else:
            log.warning(
                "work item %s (%s) given up after %d attempts: %r",
                claimed.id,
                claimed.kind,
                claimed.attempts,
                error,
                exc_info=error,
            )
            values = {"w_status": "failed", "w_due": now}
        notices = _failure_notices(kind, claimed) if last else ()
        async with job.transaction() as work:
            values["w_error"] = describe_error(error)[:2000]
            if not await _settled(work, _SETTLE, claimed, values):
                raise _TakenOver
            _queue(work, notices)


def _failure_notices(kind: AnyWork | None, claimed: Claimed) -> Sequence[Message]:
    """What the kind says to the person when its item is given up (nothing if it cannot say)."""
    if kind is None:
        return ()
    try:
        return kind.failed(decode_item(kind.item, claimed.args))
    except Exception:
        log.exception("work item %s: no failure notice", claimed.id)
        return ()


class _TakenOver(Exception):
    """The claim ran out and another runner took the item: roll back, leave it to them."""


async def _settled(
    work: UnitOfWork, statement: Any, claimed: Claimed, values: dict[str, Any] | None = None
) -> bool:
    params = {"w_id": claimed.id, "w_attempts": claimed.attempts, **(values or {})}
    result: Any = await work.session.execute(statement, params)
    return bool(result.rowcount)


def _queue(work: UnitOfWork, messages: Sequence[Message]) -> None:
    for message in messages:
        work.send(message.channel, message.outbound)
