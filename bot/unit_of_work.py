"""One transaction as a unit of work: what it will write, send and leave for after commit.

A handler (or a job) never hides anything in the session: the rows it stages to write in one
statement, the outbox messages it queues and the work it leaves for after commit all sit on the
`UnitOfWork`, which whoever opened the transaction flushes just before commit (one statement per
kind of row, for a whole dispatch batch) and hands on after it: the messages to the sender, the
queued work to the work runner (bot/work_runner.py).
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.base import Outbound
from bot.db import Database, table_of
from bot.delivery.queues import Pending
from bot.models.messages import OutboxMessage
from bot.models.people import ChatAccount
from bot.models.service import WorkItem


class Staged(Protocol):
    """Rows a unit of work holds until just before commit, then writes in as few statements."""

    async def write(self, session: AsyncSession) -> None: ...


S = TypeVar("S", bound=Staged)
AfterCommit = Callable[["UnitOfWork"], None]


@dataclass(frozen=True)
class Message:
    """A message and the channel it goes out on (what queued work hands back to send)."""

    channel: str
    outbound: Outbound


class UnitOfWork:
    """The session of one transaction, and what it has staged, queued and left for later."""

    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session = session
        self.now = now
        self.queued: list[Pending] = []  # outbox rows, with their ids once flushed
        self.deferred: list[object] = []  # work items to run after commit
        self._staged: dict[type[Any], Staged] = {}
        self._flushed = (0, 0)

    def send(self, channel: str, message: Outbound) -> None:
        """Queues a message to `message.chat_id` on `channel`, handed to the sender after commit."""
        self.queued.append(Pending(0, channel, message.chat_id, message.to_json(), 0, self.now))

    async def send_to_person(
        self, person_id: int, message: Outbound, *, prefer_channel: str = ""
    ) -> bool:
        """Queues a message to a person's most recent chat account; False if they have none.

        With `prefer_channel`, their most recent account on that channel comes first if any.
        """
        query = select(ChatAccount).where(ChatAccount.person_id == person_id)
        if prefer_channel:
            query = query.order_by((ChatAccount.channel == prefer_channel).desc())
        account = await self.session.scalar(query.order_by(ChatAccount.id.desc()).limit(1))
        if account is None:
            return False
        self.send(account.channel, replace(message, chat_id=account.chat_id))
        return True

    def later(self, item: object) -> None:
        """Leaves a work item (a kind listed in handlers.surface.WORK) to run after this commits."""
        if not _is_frozen_dataclass(item):
            raise TypeError(f"a work item is a frozen dataclass instance, not {item!r}")
        self.deferred.append(item)

    def staged(self, kind: type[S]) -> S:
        """This transaction's buffer of one kind (made on first use), written at the flush."""
        found = self._staged.get(kind)
        if found is None:
            found = self._staged[kind] = kind()
        return typing.cast(S, found)

    async def flush(self) -> None:
        """Writes the staged rows, then the outbox rows and the work items, a statement each."""
        staged, self._staged = list(self._staged.values()), {}
        for buffer in staged:
            await buffer.write(self.session)
        sent, deferred = self._flushed
        await _write_outbox(self.session, self.queued[sent:])
        await _write_work(self.session, self.deferred[deferred:], self.now)
        self._flushed = (len(self.queued), len(self.deferred))


@asynccontextmanager
async def begin_work(
    db: Database, now: datetime, after_commit: AfterCommit
) -> AsyncIterator[UnitOfWork]:
    """A transaction as a unit of work: flushed before commit, handed on after it."""
    async with db.transaction() as session:
        work = UnitOfWork(session, now)
        yield work
        await work.flush()
    after_commit(work)


def handing_on(send: Callable[[Sequence[Pending]], None], wake: Callable[[], None]) -> AfterCommit:
    """After a commit: the queued messages go to the sender; queued work wakes the runner."""

    def after_commit(work: UnitOfWork) -> None:
        send(work.queued)
        if work.deferred:
            wake()

    return after_commit


def _is_frozen_dataclass(item: object) -> bool:
    if not dataclasses.is_dataclass(item) or isinstance(item, type):
        return False
    params = getattr(type(item), "__dataclass_params__", None)
    return bool(getattr(params, "frozen", False))


def kind_of(item: object) -> str:
    """The name a work item's type is stored and looked up by."""
    return type(item).__name__


def encode_item(item: object) -> dict[str, Any]:
    """A work item's fields as JSON values (dates as ISO text)."""
    values = {}
    for item_field in dataclasses.fields(item):  # type: ignore[arg-type]
        value = getattr(item, item_field.name)
        values[item_field.name] = value.isoformat() if isinstance(value, date) else value
    return values


T = TypeVar("T")


def decode_item(item_type: type[T], values: dict[str, Any]) -> T:
    """The work item `encode_item` stored, with its dates back."""
    hints = typing.get_type_hints(item_type)
    parsed = {}
    for name, value in values.items():
        hint = hints.get(name)
        if hint in (date, date | None) and isinstance(value, str):
            value = date.fromisoformat(value)
        elif hint in (datetime, datetime | None) and isinstance(value, str):
            value = datetime.fromisoformat(value)
        parsed[name] = value
    return item_type(**parsed)


_OUTBOX = table_of(OutboxMessage)
# one INSERT for all the rows (SQLAlchemy's "insertmanyvalues"). SQLite cannot return the ids in
# the order of the rows given, so it would send one INSERT a row; but it numbers the rows of one
# INSERT in their order (one more than the largest id, row after row, by the one writer), so
# there the ids returned are sorted instead
_INSERT_OUTBOX = {
    "postgresql": insert(_OUTBOX).returning(_OUTBOX.c.id, sort_by_parameter_order=True),
    "sqlite": insert(_OUTBOX).returning(_OUTBOX.c.id),
}
_INSERT_WORK = insert(table_of(WorkItem))


async def _write_outbox(session: AsyncSession, queued: Sequence[Pending]) -> None:
    """Inserts the queued rows in one statement (cheaper than the ORM's unit of work)."""
    if not queued:
        return
    values = [
        {
            "channel": item.channel,
            "chat_id": item.chat_id,
            "body": item.body,
            "status": "pending",
            "attempts": 0,
            "not_before": item.not_before,
            "created_at": item.not_before,
        }
        for item in queued
    ]
    dialect = session.get_bind().dialect.name
    ids = (await session.execute(_INSERT_OUTBOX[dialect], values)).scalars().all()
    if dialect == "sqlite":
        ids = sorted(ids)
    for item, row_id in zip(queued, ids, strict=True):
        item.id = row_id


async def _write_work(session: AsyncSession, items: Sequence[object], now: datetime) -> None:
    if items:
        rows = [
            {
                "kind": kind_of(item),
                "args": encode_item(item),
                "status": "pending",
                "attempts": 0,
                "not_before": now,
                "created_at": now,
            }
            for item in items
        ]
        await session.execute(_INSERT_WORK, rows)
