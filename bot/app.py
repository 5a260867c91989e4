"""The one composition root: builds the database, channels, workers and HTTP server."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest

from bot.channels.base import Channel, Inbound, platform_of
from bot.clock import Clock, SystemClock
from bot.context import Services
from bot.db import Database
from bot.dispatch import Dispatcher
from bot.inbox import InboxWriter
from bot.outbox import Outbox
from bot.ratelimit import Limits, RateLimiter
from bot.routing import AnyWork, Job, JobContext, Routes
from bot.scheduler import build_scheduler
from bot.settings import Settings
from bot.unit_of_work import handing_on
from bot.work_runner import WorkRunner
from surveys.catalog import load_catalog

log = logging.getLogger(__name__)


@dataclass
class App:
    """Everything one running deployment is made of."""

    settings: Settings
    db: Database
    services: Services
    channels: dict[str, Channel]
    dispatcher: Dispatcher
    outbox: Outbox
    web: web.Application
    jobs: Sequence[Job]
    metrics: CollectorRegistry
    inbox: InboxWriter
    worker: WorkRunner
    job_context: JobContext  # what jobs and queued work run with
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _scheduler: AsyncIOScheduler | None = None

    async def receive(self, inbound: Inbound) -> bool:
        """Records an inbound once and queues it for handling; False for a repeat."""
        inbound_id = await self.inbox.record(inbound)
        if inbound_id is None:
            return False
        self.dispatcher.submit(inbound_id, inbound)
        return True

    async def start(self, *, scheduler: bool = True, sender: bool = True) -> None:
        """Recovers unhandled work, then starts the channels, the sender, the work runner and
        the jobs (without `sender`, tests run the last two by `settle`)."""
        await self.dispatcher.recover()
        if sender:
            loop = asyncio.get_running_loop()
            self._tasks.append(loop.create_task(self.outbox.run()))
            self._tasks.append(loop.create_task(self.worker.run(self.job_context)))
        for channel in self.channels.values():
            await channel.start(self.receive)
        if scheduler and self.jobs:
            sched = build_scheduler(
                self.jobs, self.job_context, self.settings.timezone, self.outbox.wake
            )
            sched.start()
            self._scheduler = sched

    async def stop(self) -> None:
        """Finishes what was received and sending in flight, then closes the channels."""
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
        await self.dispatcher.idle()
        await self.worker.stop()
        await self.outbox.stop()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for channel in self.channels.values():
            await channel.stop()
        await self.db.dispose()

    async def settle(self) -> None:
        """Handles everything received, runs the work it queued and sends everything due (tests,
        demo seeding)."""
        await self.dispatcher.idle()
        await self.worker.drain(self.job_context)
        await self.outbox.drain()


def create_app(
    settings: Settings,
    *,
    channels: Sequence[Channel] | None = None,
    clock: Clock | None = None,
    routes: Routes | None = None,
    jobs: Sequence[Job] | None = None,
    work: Sequence[AnyWork] | None = None,
) -> App:
    """Wires one deployment from its settings; channels default to those with a token set."""
    import handlers

    clock = clock or SystemClock()
    db = Database(settings.database_url)
    catalog = load_catalog(settings.survey_dirs)
    chosen = {
        c.name: c for c in (channels if channels is not None else configured_channels(settings))
    }
    services = Services(settings, clock, catalog, _links(chosen))
    outbox = Outbox(
        db,
        chosen,
        _limiters(settings, chosen),
        clock,
        max_attempts=settings.outbox_max_attempts,
        concurrency=settings.delivery_concurrency,
        timezone=settings.timezone,
    )
    worker = WorkRunner(handlers.WORK if work is None else work)
    after_commit = handing_on(outbox.enqueue, worker.wake)
    dispatcher = Dispatcher(db, routes or handlers.ROUTES, services, after_commit)
    registry = CollectorRegistry()
    application = web.Application(client_max_size=1024**2)
    app = App(
        settings,
        db,
        services,
        chosen,
        dispatcher,
        outbox,
        application,
        handlers.JOBS if jobs is None else jobs,
        registry,
        InboxWriter(db),
        worker,
        JobContext(services, db, after_commit),
    )
    _add_metrics(app)
    application.router.add_get("/healthz", _healthz)
    for channel in chosen.values():
        application.add_routes(channel.routes())
    return app


def configured_channels(settings: Settings) -> list[Channel]:
    """The real platform channels whose tokens are set."""
    found: list[Channel] = []
    if settings.telegram_token is not None:
        from bot.channels.telegram import TelegramChannel

        found.append(
            TelegramChannel(
                token=settings.telegram_token.get_secret_value(),
                api_url=settings.telegram_api_url,
                webhook_url=settings.telegram_webhook_url,
                webhook_secret=(
                    settings.telegram_webhook_secret.get_secret_value()
                    if settings.telegram_webhook_secret
                    else None
                ),
            )
        )
    endpoints = settings.zalo_endpoints()
    if endpoints:
        from bot.channels.zalo import ZaloChannel

        found.extend(
            ZaloChannel(
                e.token,
                e.api_url,
                e.webhook_url,
                e.webhook_secret,
                name=e.name,
                webhook_path=e.webhook_path,
            )
            for e in endpoints
        )
    return found


def _limiters(settings: Settings, channels: Mapping[str, Channel]) -> dict[str, RateLimiter]:
    """One limiter per bot token: Telegram's, and each Zalo bot's (Zalo limits per bot)."""
    telegram = Limits(
        settings.telegram_rate_overall,
        settings.telegram_rate_per_chat,
        settings.telegram_rate_per_group,
    )
    zalo = Limits(
        settings.zalo_rate_overall, settings.zalo_rate_per_chat, settings.zalo_rate_per_group
    )
    limits = {"telegram": telegram, "zalo": zalo}
    return {
        name: RateLimiter(limits[platform_of(name)], settings.delivery_pace)
        for name in channels
        if platform_of(name) in limits
    }


def _links(channels: Mapping[str, Channel]) -> Callable[[str], Awaitable[str | None]]:
    async def link_for(code: str) -> str | None:
        telegram = channels.get("telegram")
        username = getattr(telegram, "username", None)
        if username is None:
            return None
        return f"https://t.me/{await username()}?start={code}"

    return link_for


async def _healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def _add_metrics(app: App) -> None:
    handled = Counter("hailong_updates_handled", "Inbound events handled", registry=app.metrics)
    sent = Counter("hailong_messages_sent", "Messages sent", registry=app.metrics)
    depth = Gauge("hailong_outbox_depth", "Messages waiting in memory", registry=app.metrics)
    seen = {"handled": 0, "sent": 0}

    async def metrics(request: web.Request) -> web.Response:
        handled.inc(app.dispatcher.handled - seen["handled"])
        sent.inc(app.outbox.sent - seen["sent"])
        seen.update(handled=app.dispatcher.handled, sent=app.outbox.sent)
        depth.set(app.outbox.depth)
        return web.Response(body=generate_latest(app.metrics), content_type="text/plain")

    app.web.router.add_get("/metrics", metrics)
