"""The one composition root: builds the database, channels, workers and HTTP server."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector

from bot.channels.base import Channel, CommandMenus, CountsRateLimits, Inbound
from bot.channels.kit.polling import LeasedPolling
from bot.channels.registry import configured_channels, rate_limiters
from bot.channels.web import WebChannel
from bot.clock import Clock, SystemClock
from bot.context import Services
from bot.db import Database
from bot.delivery.lease import ProcessLock, hold_database, lease_for
from bot.delivery.queues import Pending
from bot.dispatch import Dispatcher
from bot.inbox import InboxWriter, pending_count
from bot.interactions import Signer
from bot.keys import button_key
from bot.logs import describe_error
from bot.media import PHOTOS, REPORTS, KeepsMedia, MediaLinks, PhotoFetcher
from bot.outbox import Outbox
from bot.photos import PhotoKeeper, PhotoSource, PhotoStore
from bot.routing import AnyWork, Job, JobContext, Routes
from bot.scheduler import JobRuns, Schedule
from bot.settings import Settings
from bot.signals import INBOX, OUTBOX, Signals, chats_of, chats_payloads
from bot.unit_of_work import handing_on
from bot.web_history import DatabaseHistory
from bot.work_runner import WorkRunner
from surveys.catalog import load_catalog

log = logging.getLogger(__name__)

SWEEP_SECONDS = 30.0  # how often a replica looks for events left pending (a replica that died)
HEALTH_DATABASE_SECONDS = 2.0  # /healthz: how long the database may take to answer SELECT 1
CLOSE_SECONDS = 1.0  # the most a stop waits for each channel, the listener, the database to close


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
    signer: Signer
    worker: WorkRunner
    job_context: JobContext  # what jobs and queued work run with
    signals: Signals  # LISTEN/NOTIFY between replicas (bot/signals.py)
    media: MediaLinks  # signed links to the app's own pictures (bot/media.py)
    fetcher: PhotoFetcher  # downloads of the photos people send by URL (bot/media.py)
    job_runs: JobRuns = field(default_factory=JobRuns)  # runs and failures of each job
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _schedule: Schedule | None = None
    _process: ProcessLock | None = None

    async def receive(self, inbound: Inbound) -> bool:
        """Records an inbound once and queues it for handling; False for a repeat."""
        inbound_id = await self.inbox.record(inbound)
        if inbound_id is None:
            return False
        self.dispatcher.submit(inbound_id, inbound)
        return True

    async def start(self, *, scheduler: bool = True, sender: bool = True) -> None:
        """Recovers unhandled work, then starts the channels, the sender, the work runner, the
        sweep for events left pending and the jobs (without `sender`, tests run the sender and
        the work runner by `settle`). On SQLite, a second process is refused (`AnotherProcess`)."""
        self._process = hold_database(self.db)
        key = self.settings.button_key
        secret = await button_key(self.db, key.get_secret_value() if key else None)
        self.signer.use(secret)
        self.media.use(secret)
        await self.signals.start()
        await self.dispatcher.recover()
        if sender:
            loop = asyncio.get_running_loop()
            self._tasks.append(loop.create_task(self.outbox.run()))
            self._tasks.append(loop.create_task(self.worker.run(self.job_context)))
            self._tasks.append(loop.create_task(self._sweep_now_and_then()))
        for channel in self.channels.values():
            await channel.start(self.receive)
        if scheduler and self.jobs:
            zone, after = self.settings.timezone, self.outbox.wake
            schedule = Schedule(self.jobs, self.job_context, zone, after, self.job_runs)
            schedule.start()
            self._schedule = schedule

    def under_way(self) -> list[str]:
        """What a stop would wait for now: turns, job runs, work items, sends (for the log)."""
        jobs = sorted(self._schedule.running.values()) if self._schedule is not None else []
        counts = [
            (self.dispatcher.turns.running, "dispatcher turn(s)"),
            (self.worker.running, "work item(s)"),
            (self.outbox.in_flight, "send(s) in flight"),
        ]
        said = [f"{count} {what}" for count, what in counts if count]
        return said + [f"job {name}" for name in jobs]

    async def stop(self, within: float | None = None) -> None:
        """Takes no new work and finishes what is under way — the dispatcher's current turns, the
        job runs, the work items, the sends in flight (their outcomes recorded) — then closes the
        channels, the listener and the database. After `within` seconds what still runs is
        cancelled and handed back (claimed messages and items to pending; one WARNING names
        them) and the closing goes on."""
        finishing = [self.dispatcher.stop(), self.worker.stop(self.job_context), self.outbox.stop()]
        if self._schedule is not None:
            finishing.append(self._schedule.stop())
        tasks = [asyncio.ensure_future(step) for step in finishing]
        _, late = await asyncio.wait(tasks, timeout=within)
        if late:
            log.warning(
                "stopping: still under way after %.1f s, cancelled and handed back: %s",
                within, ", ".join(self.under_way()) or "their bookkeeping",
            )  # fmt: skip
            for task in late:
                task.cancel()
        for outcome in await asyncio.gather(*tasks, return_exceptions=True):
            if isinstance(outcome, Exception):
                log.warning("stopping: %s", describe_error(outcome))
        await self._close()

    async def _close(self) -> None:
        """Ends the background tasks, the channels (polling, HTTP), the listener, the database;
        each bounded, so a platform or a database that does not answer cannot hold the exit."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        closing = [channel.stop() for channel in self.channels.values()]
        closing += [self.fetcher.close(), self.signals.stop(), self.db.dispose()]
        for step in closing:
            try:
                async with asyncio.timeout(CLOSE_SECONDS):
                    await step
            except Exception as error:  # the process ends anyway: what the OS closes is closed
                log.warning("stopping: closing failed (%s)", describe_error(error))
        if self._process is not None:
            self._process.release()

    def look_again(self) -> None:
        """Sweeps for pending events and replies now (notifications may have been missed)."""
        self.outbox.wake()
        task = asyncio.get_running_loop().create_task(self._sweep())
        self._tasks.append(task)
        task.add_done_callback(lambda done: self._tasks.remove(done))

    async def _sweep_now_and_then(self) -> None:
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            await self._sweep()

    async def _sweep(self) -> None:
        try:
            await self.dispatcher.sweep()
        except Exception as error:  # the database may be down: the next sweep finds them
            log.warning("sweeping for pending events failed: %s", type(error).__name__)

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
    from handlers import surface

    clock = clock or SystemClock()
    db = Database(settings.database_url)
    catalog = load_catalog(settings.survey_dirs)
    chosen = {
        c.name: c for c in (channels if channels is not None else configured_channels(settings))
    }
    store = PhotoStore(settings.media_dir, settings.photo_max_bytes)
    fetcher = PhotoFetcher(settings.zalo_photo_hosts, settings.photo_max_bytes)
    links = _media_links(settings, clock)
    services = Services(settings, clock, catalog, _links(chosen), _keeper(chosen, store, links))
    signer = Signer()
    outbox = Outbox(
        db,
        chosen,
        rate_limiters(settings, chosen),
        clock,
        max_attempts=settings.outbox_max_attempts,
        give_up_hours=settings.outbox_give_up_hours,
        concurrency=settings.delivery_concurrency,
        timezone=settings.timezone,
        signer=signer,
    )
    worker = WorkRunner(surface.WORK if work is None else work)
    signals = Signals(db)
    after_commit = handing_on(_to_sender(outbox, signals), worker.wake)
    dispatcher = Dispatcher(
        db,
        routes or surface.ROUTES,
        services,
        after_commit,
        signer,
        announce=_announcing(signals) if signals.shared else None,
    )
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
        surface.JOBS if jobs is None else jobs,
        registry,
        InboxWriter(db),
        signer,
        worker,
        JobContext(services, db, after_commit),
        signals,
        _media(links, chosen, store, fetcher),
        fetcher,
    )
    _listen(app)
    for channel in chosen.values():
        if isinstance(channel, WebChannel):  # the page's history outlives the process
            channel.keep_history_in(DatabaseHistory(db))
        if isinstance(channel, LeasedPolling):  # several replicas: one of them polls
            channel.poll_under(lease_for(db, "poller"))
        if isinstance(channel, CommandMenus):  # everyone's menu: a parent's
            channel.use_menu(surface.COMMAND_MENU)
    _add_metrics(app)
    application.router.add_get("/healthz", _healthz(db))
    application.add_routes([app.media.route()])
    for channel in chosen.values():
        application.add_routes(channel.routes())
    return app


def _keeper(channels: Mapping[str, Channel], store: PhotoStore, links: MediaLinks) -> PhotoKeeper:
    """Copies of the photos people send, downloaded by the channel each came from; lasting
    references are copied too while the app has a public address to show them from."""
    sources = {name: c for name, c in channels.items() if isinstance(c, PhotoSource)}
    return PhotoKeeper(store, sources, links_wanted=lambda: bool(links.public_url))


def _media_links(settings: Settings, clock: Clock) -> MediaLinks:
    """The signed links to the app's own pictures (reports and photo copies)."""
    folders = {REPORTS: settings.reports_dir, PHOTOS: settings.media_dir}
    return MediaLinks(
        settings.public_url,
        folders,
        settings.media_link_minutes * 60,
        lambda: clock.now().timestamp(),
    )


def _media(
    links: MediaLinks, channels: Mapping[str, Channel], store: PhotoStore, fetcher: PhotoFetcher
) -> MediaLinks:
    """The links, handed to each channel that shows pictures by link or keeps photos."""
    for channel in channels.values():
        if isinstance(channel, KeepsMedia):
            channel.use_media(links, store, fetcher)
    return links


def _to_sender(outbox: Outbox, signals: Signals) -> Callable[[Sequence[Pending]], None]:
    """Hands committed replies to this process's sender; for a channel whose lease another
    replica holds, wakes that one (it reads them from the table at once)."""

    def hand_on(rows: Sequence[Pending]) -> None:
        outbox.enqueue(rows)
        for channel in sorted({row.channel for row in rows if row.channel not in outbox.held}):
            signals.publish(OUTBOX, channel)

    return hand_on


def _announcing(signals: Signals) -> Callable[[Sequence[tuple[str, str]]], None]:
    def announce(keys: Sequence[tuple[str, str]]) -> None:
        for payload in chats_payloads(keys):
            signals.publish(INBOX, payload)

    return announce


def _listen(app: App) -> None:
    """What this replica does when another tells it something (bot/signals.py)."""
    outbox = app.outbox
    app.signals.listen(INBOX, lambda payload: app.dispatcher.free(chats_of(payload)))
    app.signals.listen(OUTBOX, lambda channel: outbox.wake() if channel in outbox.held else None)
    app.signals.on_reconnect(app.look_again)


def _links(channels: Mapping[str, Channel]) -> Callable[[str], Awaitable[str | None]]:
    async def link_for(code: str) -> str | None:
        telegram = channels.get("telegram")
        username = getattr(telegram, "username", None)
        if username is None:
            return None
        return f"https://t.me/{await username()}?start={code}"

    return link_for


def _healthz(db: Database) -> Callable[[web.Request], Awaitable[web.Response]]:
    """200 while the database answers, 503 (naming the error's type) while it does not."""

    async def healthz(request: web.Request) -> web.Response:
        problem = await db.problem(HEALTH_DATABASE_SECONDS)
        if problem is None:
            return web.json_response({"status": "ok", "database": "ok"})
        return web.json_response({"status": "unavailable", "database": problem}, status=503)

    return healthz


def _add_metrics(app: App) -> None:
    handled = Counter("hailong_updates_handled", "Inbound events handled", registry=app.metrics)
    sent = Counter("hailong_messages_sent", "Messages the platform confirmed", registry=app.metrics)
    depth = Gauge("hailong_outbox_depth", "Messages waiting in memory", registry=app.metrics)
    waiting = Gauge(
        "hailong_inbox_pending",
        "Events received and not handled yet (rows, every replica's; NaN: database unreachable)",
        registry=app.metrics,
    )
    app.metrics.register(_SenderCounts(app.outbox))
    app.metrics.register(_RateLimited(app.channels))
    app.metrics.register(_JobCounts([job.name for job in app.jobs], app.job_runs))
    seen = {"handled": 0, "sent": 0}

    async def metrics(request: web.Request) -> web.Response:
        handled.inc(app.dispatcher.handled - seen["handled"])
        sent.inc(app.outbox.sent - seen["sent"])
        seen.update(handled=app.dispatcher.handled, sent=app.outbox.sent)
        depth.set(app.outbox.depth)
        waiting.set(await _pending_or_nan(app.db))
        return web.Response(body=generate_latest(app.metrics), content_type="text/plain")

    app.web.router.add_get("/metrics", metrics)


class _SenderCounts(Collector):
    """The sender's tries again, give-ups and unconfirmed messages, read at each scrape."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    def collect(self) -> Iterator[Metric]:
        retried = CounterMetricFamily(
            "hailong_outbox_retried",
            "Sends tried again (reason: unavailable, timeout, rate_limited, error)",
            labels=["channel", "reason"],
        )
        for (channel, reason), count in sorted(self.outbox.retried.items()):
            retried.add_metric([channel, reason], count)
        given_up = CounterMetricFamily(
            "hailong_outbox_given_up",
            "Messages given up at their time limit (reason: the last failure, or expired)",
            labels=["channel", "reason"],
        )
        for (channel, reason), count in sorted(self.outbox.given_up.items()):
            given_up.add_metric([channel, reason], count)
        unconfirmed = CounterMetricFamily(
            "hailong_outbox_unconfirmed",
            "Broadcast messages never confirmed by the platform (not sent again, not counted sent)",
            labels=["channel"],
        )
        for channel, count in sorted(self.outbox.unconfirmed.items()):
            unconfirmed.add_metric([channel], count)
        yield from (retried, given_up, unconfirmed)


async def _pending_or_nan(db: Database) -> float:
    """The inbox's pending rows; NaN when the database does not answer (the scrape still works)."""
    try:
        return float(await pending_count(db))
    except Exception as error:
        log.debug("/metrics: pending events not counted: %s", type(error).__name__)
        return math.nan


class _RateLimited(Collector):
    """The 429 answers (Too Many Requests) each channel's platform gave, read at each scrape."""

    def __init__(self, channels: Mapping[str, Channel]) -> None:
        self.channels = channels

    def collect(self) -> Iterator[Metric]:
        answered = CounterMetricFamily(
            "hailong_rate_limited",
            "429 answers (Too Many Requests) from the platform, any call",
            labels=["channel"],
        )
        for name, channel in sorted(self.channels.items()):
            if isinstance(channel, CountsRateLimits):
                answered.add_metric([name], channel.rate_limited)
        yield answered


class _JobCounts(Collector):
    """Runs and failed runs of each scheduled job in this process (0 until it first runs)."""

    def __init__(self, names: Sequence[str], counted: JobRuns) -> None:
        self.names = names
        self.counted = counted

    def collect(self) -> Iterator[Metric]:
        runs = CounterMetricFamily(
            "hailong_job_runs", "Runs of a scheduled job (handlers/surface.py)", labels=["job"]
        )
        failures = CounterMetricFamily(
            "hailong_job_failures", "Runs of a scheduled job that raised", labels=["job"]
        )
        for name in self.names:
            runs.add_metric([name], self.counted.runs[name])
            failures.add_metric([name], self.counted.failures[name])
        yield from (runs, failures)
