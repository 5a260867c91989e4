"""SIGTERM and SIGINT heard for the whole life of `hailong run` and `hailong demo`.

A process that is PID 1 in a container and has set no handler ignores SIGTERM: `docker stop`
then waits its 10 s and kills (exit 137). So the signals are taken from `main`'s first lines on:

- before the event loop runs (loading the settings and the code), nothing has been written: the
  command ends at once, exit 0;
- during start-up, a step that only waits (for the database to answer) is given up at once; a
  step that writes (the migrations, the demo's seeding: each one transaction) finishes, then the
  command ends, exit 0, saying "stopped before serving";
- once serving, bot/serving.py stops in order.

From the first signal on a watchdog ends the process at `STOP_SECONDS - 0.5` whatever holds it,
so no stop outlasts `docker stop`'s 10 s: a transaction it cuts short is rolled back.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Awaitable
from types import FrameType
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # asyncio loads with the command, not with `hailong --help` (bot/cli.py)
    import asyncio

log = logging.getLogger(__name__)

STOP_SECONDS = 10.0  # the whole stop, signal to exit: `docker stop`'s default before SIGKILL
_SIGNALS = (signal.SIGTERM, signal.SIGINT)
T = TypeVar("T")


class StoppedBeforeServing(BaseException):
    """A stop signal came before serving began (BaseException: no `except Exception` eats it)."""


class StopSignals:
    """The stop signals of one command: heard from `hear_early` on, awaited as `asked`."""

    def __init__(self) -> None:
        self.heard: str | None = None  # the first signal's name
        self._asked: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def hear_early(self) -> None:
        """Until the event loop runs: a signal ends the command at once (nothing written yet)."""
        for number in _SIGNALS:
            signal.signal(number, self._before_loop)

    def _before_loop(self, number: int, _frame: FrameType | None) -> None:
        self._note(number)
        raise StoppedBeforeServing(self.heard)

    def listen(self) -> None:
        """From now on a signal sets `asked` (in this running loop)."""
        import asyncio

        self._loop = asyncio.get_running_loop()
        self._asked = asyncio.Event()
        for number in _SIGNALS:
            self._loop.add_signal_handler(number, self._in_loop, number)
        if self.heard is not None:
            self._asked.set()

    def close(self) -> None:
        """Gives the signals back to Python's defaults (the command is over)."""
        if self._loop is not None:
            for number in _SIGNALS:
                self._loop.remove_signal_handler(number)
            self._loop = None

    @property
    def asked(self) -> asyncio.Event:
        assert self._asked is not None, "listen() first"
        return self._asked

    def _in_loop(self, number: int) -> None:
        assert self._asked is not None
        if self._asked.is_set():
            log.info("%s: stopping already (at most %.0f s in all)", _name(number), STOP_SECONDS)
            return
        self._note(number)
        log.info("%s: stopping (at most %.0f s)", self.heard, STOP_SECONDS)
        self._asked.set()

    def _note(self, number: int) -> None:
        if self.heard is None:
            self.heard = _name(number)
            watchdog(STOP_SECONDS - 0.5)

    async def waiting(self, step: Awaitable[T]) -> T:
        """Awaits a start-up step that only waits; a signal gives it up at once."""
        import asyncio

        if self._asked is None:  # not listening (a setup command)
            return await step
        task = asyncio.ensure_future(step)
        asked = asyncio.ensure_future(self.asked.wait())
        try:
            await asyncio.wait([task, asked], return_when=asyncio.FIRST_COMPLETED)
        finally:
            asked.cancel()
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            raise StoppedBeforeServing(self.heard)
        self.check()
        return task.result()

    async def writing(self, step: Awaitable[T]) -> T:
        """Awaits a start-up step that writes: it finishes, then a signal heard meanwhile ends
        the command."""
        done = await step
        self.check()
        return done

    def check(self) -> None:
        """StoppedBeforeServing if a signal has come."""
        if self.heard is not None:
            raise StoppedBeforeServing(self.heard)


def say_stopped(signals: StopSignals) -> None:
    """The one line a stop before serving leaves (in the log, once logging is set up)."""
    if logging.getLogger().handlers:
        log.info("%s: stopped before serving", signals.heard)
    else:
        print(f"hailong: {signals.heard}: stopped before serving", file=sys.stderr)


def _name(number: int) -> str:
    return signal.Signals(number).name


def watchdog(seconds: float) -> None:
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
