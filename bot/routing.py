"""The shape of the product surface that `handlers/__init__.py` fills in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import Context, Services

Handler = Callable[[Context], Awaitable[None]]
# reads, in one query, what the handlers of a whole dispatch batch are about to read one by one
Prefetch = Callable[[Sequence[Context]], Awaitable[None]]
JobFunction = Callable[["JobContext"], Awaitable[None]]


@dataclass(frozen=True)
class Routes:
    """Where an inbound goes: a command, a button prefix, the open flow, or the fallback."""

    commands: Mapping[str, Handler]
    buttons: Mapping[str, Handler]
    flows: Mapping[str, Handler]
    fallback: Handler
    non_text: Handler
    group: Handler
    failure_text: str
    prefetch: Sequence[Prefetch] = ()


@dataclass(frozen=True)
class JobContext:
    """What a scheduled job gets: the services and a way to open transactions."""

    services: Services
    transaction: Callable[[], AbstractAsyncContextManager[AsyncSession]]


@dataclass(frozen=True)
class Job:
    """A scheduled job: a name, an APScheduler trigger spec and the function to run."""

    name: str
    function: JobFunction
    cron: Mapping[str, str] | None = None
    every_seconds: int | None = None
