"""The shape of the product surface that `handlers/__init__.py` fills in."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import Context, Services
from bot.db import Database
from bot.unit_of_work import AfterCommit, Message, UnitOfWork, begin_work

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
    """What a scheduled job or a queued work item gets: the services, reads and units of work."""

    services: Services
    db: Database
    # hands a committed unit of work's messages to the sender and its work to the runner
    after_commit: AfterCommit

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[UnitOfWork]:
        """A unit of work: flushed on exit, then handed on like a dispatch batch's."""
        async with begin_work(self.db, self.services.clock.now(), self.after_commit) as work:
            yield work

    def reading(self) -> AbstractAsyncContextManager[AsyncSession]:
        """A session for reads only: no write lock, so it never holds up the inbox (SQLite)."""
        return self.db.sessions()


T = TypeVar("T")


@dataclass(frozen=True)
class Work(Generic[T]):
    """A kind of work left for after commit (`work.later(item)`): the item's frozen dataclass,
    the function that does it outside any handling transaction and returns the messages to
    send, and the messages that tell the person when it fails for good."""

    item: type[T]
    function: Callable[[T, JobContext], Awaitable[Sequence[Message]]]
    failed: Callable[[T], Sequence[Message]] = lambda item: ()

    @property
    def name(self) -> str:
        return self.item.__name__


AnyWork = Work[Any]


@dataclass(frozen=True)
class Job:
    """A scheduled job: a name, an APScheduler trigger spec and the function to run."""

    name: str
    function: JobFunction
    cron: Mapping[str, str] | None = None
    every_seconds: int | None = None
