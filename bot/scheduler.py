"""Runs the scheduled jobs of `handlers.JOBS` with APScheduler 3, each run once among replicas.

Every replica schedules every job; interval jobs are aligned to the clock (every 60 s at :00), so
the replicas fire together. A run first takes the job's lease (bot/delivery/lease.py: a
PostgreSQL advisory lock held for the run); a replica that finds it held skips that run. Each job
decides what is due from committed rows (a wave's `invited_at`, the reminder rounds and digests
written, the ticket alerts sent, a broadcast's status), so a run that starts after another has
finished finds nothing left to do: whatever the timing, a job's effect happens once. On SQLite
there is one process (`hold_database`), and APScheduler runs one instance of a job at a time.

A job is known by its name in `handlers.JOBS` everywhere: APScheduler's id and name, and our log
lines. Stopping lets the runs under way finish: APScheduler 3's asyncio executor would cancel
them at `shutdown` whatever `wait` says, so the runs are awaited before it is called.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.delivery.lease import lease_for
from bot.routing import Job, JobContext
from bot.transient import describe_failure, is_transient

log = logging.getLogger(__name__)

_ALIGNED = datetime(2026, 1, 1, tzinfo=UTC)  # interval runs fall at whole multiples after this


@dataclass
class JobRuns:
    """Runs of each job this process made, and how many of them failed (for /metrics)."""

    runs: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)


class Schedule:
    """The jobs on APScheduler, each run followed by `after` (wake the outbox)."""

    def __init__(
        self,
        jobs: Sequence[Job],
        job_context: JobContext,
        timezone: str,
        after: Callable[[], None],
        counted: JobRuns,
    ) -> None:
        self.job_context = job_context
        self.after = after
        self.counted = counted
        self.running: dict[asyncio.Task[None], str] = {}  # the runs under way, by job name
        self.scheduler = AsyncIOScheduler(timezone=timezone)
        for job in jobs:
            trigger = (
                CronTrigger(timezone=timezone, **job.cron)
                if job.cron
                else IntervalTrigger(
                    seconds=job.every_seconds or 60, start_date=_ALIGNED, timezone=timezone
                )
            )
            self.scheduler.add_job(
                self.run,
                trigger,
                args=(job,),
                id=job.name,
                name=job.name,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=300,
            )

    def start(self) -> None:
        self.scheduler.start()

    async def stop(self) -> None:
        """Starts no more runs, lets those under way finish, then shuts APScheduler down."""
        if not self.scheduler.running:
            return
        self.scheduler.pause()
        try:
            if self.running:
                await asyncio.gather(*self.running, return_exceptions=True)
        finally:  # cancelled (the stop's time is up): APScheduler cancels what still runs
            self.scheduler.shutdown(wait=False)

    async def run(self, job: Job) -> None:
        """Runs one job unless another replica is running it; logs rather than raises, so the
        scheduler keeps going."""
        task = asyncio.current_task()
        assert task is not None
        self.running[task] = job.name
        try:
            await run_job(job, self.job_context, self.counted)
        finally:
            del self.running[task]
        self.after()


async def run_job(job: Job, job_context: JobContext, counted: JobRuns) -> None:
    """One run of a job under its lease, logged by the job's name."""
    lease = lease_for(job_context.db, "job") if not job_context.db.is_sqlite else None
    started = time.perf_counter()
    try:
        if lease is not None and not await lease.acquire(job.name):
            log.debug("job %s: another replica runs it", job.name)
            return
        counted.runs[job.name] += 1
        await job.function(job_context)
        log.debug("job %s done in %.0f ms", job.name, (time.perf_counter() - started) * 1000)
    except Exception as error:
        counted.failures[job.name] += 1
        if is_transient(error):  # the database is away: the next run catches up
            log.warning("job %s: a passing failure (%s)", job.name, describe_failure(error))
        else:
            log.exception("job %s failed", job.name)
    finally:
        if lease is not None:
            await lease.release()
