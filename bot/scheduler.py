"""Runs the scheduled jobs of `handlers.JOBS` with APScheduler 3."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.routing import Job, JobContext

log = logging.getLogger(__name__)


def build_scheduler(
    jobs: Sequence[Job], job_context: JobContext, timezone: str, after: Callable[[], None]
) -> AsyncIOScheduler:
    """A scheduler with one entry per job; each run is followed by `after` (wake the outbox)."""
    scheduler = AsyncIOScheduler(timezone=timezone)
    for job in jobs:
        trigger = (
            CronTrigger(timezone=timezone, **job.cron)
            if job.cron
            else IntervalTrigger(seconds=job.every_seconds or 60, timezone=timezone)
        )
        scheduler.add_job(
            run_job,
            trigger,
            args=(job, job_context, after),
            id=job.name,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=300,
        )
    return scheduler


async def run_job(job: Job, job_context: JobContext, after: Callable[[], None]) -> None:
    """Runs one job, logging rather than raising so the scheduler keeps going."""
    try:
        await job.function(job_context)
    except Exception:
        log.exception("job %s failed", job.name)
    after()
