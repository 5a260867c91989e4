"""Serves a deployment until SIGTERM or SIGINT, then stops it in order within `STOP_SECONDS`.

One stop path for both signals (`docker stop` sends SIGTERM, Ctrl+C SIGINT): the HTTP server
keeps answering while the app finishes what is under way (bot/app.py `App.stop`: the
dispatcher's current turns, job runs, work items, sends in flight), then everything is closed
and `hailong run` exits 0. What is still running after `GRACE_SECONDS` is cancelled and handed
back; if the process is somehow still alive at `STOP_SECONDS`, a watchdog thread says so and ends
it, so a stop never outlasts the 10 s `docker stop` gives before killing.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import signal
import sys
import threading
import time

from aiohttp import web

from bot.app import App
from bot.banner import Banner

log = logging.getLogger(__name__)

STOP_SECONDS = 10.0  # the whole stop, signal to exit: `docker stop`'s default before SIGKILL
GRACE_SECONDS = 6.0  # what is under way gets this long to finish; the rest is closing
SERVER_SECONDS = 1.0  # requests still open when the HTTP server closes get this long
_SIGNALS = (signal.SIGTERM, signal.SIGINT)


async def serve(app: App, banner: Banner) -> None:
    """Serves the HTTP app and runs the workers until a stop signal, then stops them."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for number in _SIGNALS:  # from the start: a signal during start-up stops right after it
        loop.add_signal_handler(number, _asked_to_stop, number, stop)
    runner = web.AppRunner(
        app.web, access_log=None, handle_signals=False, shutdown_timeout=SERVER_SECONDS
    )
    try:
        await runner.setup()
        site = web.TCPSite(runner, app.settings.http_host, app.settings.http_port)
        await site.start()
        await app.start()
        log.info(banner.text(), extra=banner.fields())
        # what exists now lives as long as the process: keep the full collections (100 ms
        # pauses with everything loaded) from walking it again and again
        gc.freeze()
        await stop.wait()
        await _stop(app, runner)
    finally:
        for number in _SIGNALS:
            loop.remove_signal_handler(number)


def _asked_to_stop(number: int, stop: asyncio.Event) -> None:
    name = signal.Signals(number).name
    if stop.is_set():
        log.info("%s: stopping already (at most %.0f s in all)", name, STOP_SECONDS)
        return
    log.info("%s: stopping (at most %.0f s)", name, STOP_SECONDS)
    _watchdog(STOP_SECONDS - 0.5)
    stop.set()


async def _stop(app: App, runner: web.AppRunner) -> None:
    started = time.monotonic()
    under_way = app.under_way()
    await app.stop(within=GRACE_SECONDS)
    await runner.cleanup()
    log.info(
        "stopped in %.1f s (under way at the signal: %s)",
        time.monotonic() - started, ", ".join(under_way) or "nothing",
    )  # fmt: skip


def _watchdog(seconds: float) -> None:
    """Ends the process if the stop is still going after `seconds` (a thread nobody can join,
    a call that never returns): one WARNING naming the threads left, then exit 0."""

    def expire() -> None:
        alive = [t.name for t in threading.enumerate() if t is not threading.current_thread()]
        log.warning(
            "stopping took over %.1f s: exiting now (threads still running: %s)",
            seconds, ", ".join(alive),
        )  # fmt: skip
        for stream in (sys.stderr, sys.stdout):
            stream.flush()
        os._exit(0)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.name = "hailong-stop-watchdog"
    timer.start()
