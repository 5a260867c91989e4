"""The shape of the product surface that `handlers/surface.py` fills in."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import Context, Services
from bot.db import Database
from bot.interactions import Button, Flow
from bot.unit_of_work import AfterCommit, Message, UnitOfWork, begin_work

B = TypeVar("B", bound=Button)
Handler = Callable[[Context], Awaitable[None]]
# reads, in one query, what the handlers of a whole dispatch batch are about to read one by one
Prefetch = Callable[[Sequence[Context]], Awaitable[None]]
JobFunction = Callable[["JobContext"], Awaitable[None]]
# takes a typed text outside any flow before the chat's shown choices are read, if it is its own
# (a typed "Đã xem" under a broadcast, whose choices no dialog holds); returns whether it did
Claim = Callable[[Context], Awaitable[bool]]


@dataclass(frozen=True)
class OnTap(Generic[B]):
    """A button type and the handler a tap on it runs."""

    kind: type[B]
    handler: Callable[[Context, B], Awaitable[None]]


def on(kind: type[B], handler: Callable[[Context, B], Awaitable[None]]) -> OnTap[Any]:
    """Routes taps on `kind` to `handler` (typed: the handler takes exactly that button)."""
    return OnTap(kind, handler)


@dataclass(frozen=True)
class During:
    """A flow and the handler of what is typed while it is open."""

    flow: Flow[Any]
    typed: Handler


@dataclass(frozen=True)
class Routes:
    """Where an inbound goes: a command, a button type, the open flow, or the fallback; a text
    typed outside a flow (or in one that reads typing as the fallback does) is offered to the
    claims first."""

    commands: Mapping[str, Handler]
    buttons: Sequence[OnTap[Any]]
    flows: Sequence[During]
    fallback: Handler
    non_text: Handler
    group: Handler
    failure_text: str
    stale_text: str
    prefetch: Sequence[Prefetch] = ()
    claims: Sequence[Claim] = ()

    def __post_init__(self) -> None:
        taps = [route.kind for route in self.buttons]
        if len(set(taps)) != len(taps):
            raise ValueError("a button type is routed twice")
        names = [during.flow.name for during in self.flows]
        if len(set(names)) != len(names):
            raise ValueError("two flows share a name")


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
