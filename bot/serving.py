"""Serves a deployment until SIGTERM or SIGINT, then stops it in order within 10 s.

One stop path for both signals (`docker stop` sends SIGTERM, Ctrl+C SIGINT): the HTTP server
keeps answering while the app finishes what is under way (bot/app.py `App.stop`: the
dispatcher's current turns, job runs, work items, sends in flight), then everything is closed
and `hailong run` exits 0. What is still running after `GRACE_SECONDS` is cancelled and handed
back; if the process is somehow still alive at 9.5 s, a watchdog thread says so and ends it
(bot/stopping.py, which also hears the signals before serving begins).
"""

from __future__ import annotations

import gc
import logging
import time

from aiohttp import web

from bot.app import App
from bot.banner import Banner
from bot.stopping import StopSignals

log = logging.getLogger(__name__)

GRACE_SECONDS = 6.0  # what is under way gets this long to finish; the rest is closing
SERVER_SECONDS = 1.0  # requests still open when the HTTP server closes get this long


async def serve(app: App, banner: Banner, signals: StopSignals) -> None:
    """Serves the HTTP app and runs the workers until a stop signal, then stops them."""
    runner = web.AppRunner(
        app.web, access_log=None, handle_signals=False, shutdown_timeout=SERVER_SECONDS
    )
    await runner.setup()
    site = web.TCPSite(runner, app.settings.http_host, app.settings.http_port)
    await site.start()
    try:
        await app.start()  # a signal during it stops right after it
    except BaseException:  # a channel refused (bot/channels/kit/registration.py): close it all
        await app.stop(within=GRACE_SECONDS)
        await runner.cleanup()
        raise
    log.info(banner.text(), extra=banner.fields())
    # what exists now lives as long as the process: keep the full collections (100 ms
    # pauses with everything loaded) from walking it again and again
    gc.freeze()
    await signals.asked.wait()
    await _stop(app, runner)


async def _stop(app: App, runner: web.AppRunner) -> None:
    started = time.monotonic()
    under_way = app.under_way()
    await app.stop(within=GRACE_SECONDS)
    await runner.cleanup()
    log.info(
        "stopped in %.1f s (under way at the signal: %s)",
        time.monotonic() - started, ", ".join(under_way) or "nothing",
    )  # fmt: skip
