"""What a handler gets for one event: the open transaction, who is talking, and a way to reply."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.base import Choice, Inbound, Outbound
from bot.clock import Clock
from bot.db import table_of, written_before_commit
from bot.dialogs import DialogState
from bot.interactions import Button, Flow, S, new_token
from bot.models import ChatAccount, OutboxMessage, Person
from bot.outbox import Pending
from bot.settings import Settings
from surveys.catalog import Catalog

TOKEN = "_token"  # the open flow instance's token, kept beside its state


@dataclass(frozen=True)
class Services:
    """Long-lived things handlers may use; built once in the composition root."""

    settings: Settings
    clock: Clock
    catalog: Catalog
    links: Callable[[str], Awaitable[str | None]]


@dataclass
class Context:
    """One inbound event being handled inside one transaction."""

    session: AsyncSession
    inbound: Inbound
    services: Services
    now: datetime
    dialog: DialogState
    account: ChatAccount | None = None
    person: Person | None = None
    command: str = ""  # a /command's name, lower case, without @botname
    command_arg: str = ""
    button: Button | None = None  # the tapped button, once verified and decoded
    replies: list[Outbound] = field(default_factory=list)

    def reply(
        self, text: str, choices: Sequence[Choice] = (), *, edit: bool = False, notice: str = ""
    ) -> None:
        """Queues a message to this chat; `edit` replaces the message whose button was tapped."""
        edit_of = self.inbound.message_id if edit and self.inbound.kind == "choice" else None
        self.replies.append(
            Outbound(
                chat_id=self.inbound.chat_id,
                text=text,
                choices=tuple(choices),
                edit_of=edit_of,
                notice=notice,
                meta={"group": self.inbound.in_group},
            )
        )

    def set_flow(self, flow: str, **data: object) -> None:
        self.dialog.flow = flow
        self.dialog.data = dict(data)

    def flow_state(self, flow: Flow[S]) -> S | None:
        """The state of `flow` if it is the one open in this chat."""
        return flow.load(self.dialog.data) if self.dialog.flow == flow.name else None

    def start_flow(self, flow: Flow[S], state: S) -> None:
        """Opens a new instance of `flow`: buttons shown for an earlier one no longer act."""
        self.dialog.flow = flow.name
        self.dialog.data = {**state.model_dump(mode="json"), TOKEN: new_token()}

    def save_flow(self, state: S) -> None:
        """Stores the open flow's new state; its buttons already shown keep acting."""
        self.dialog.data = {**state.model_dump(mode="json"), TOKEN: self.flow_token}

    @property
    def flow_token(self) -> str:
        """The token of the open flow instance ("" when none is open)."""
        token = self.dialog.data.get(TOKEN, "") if self.dialog.flow else ""
        return token if isinstance(token, str) else ""

    def end_flow(self) -> None:
        self.set_flow("")


async def queue_to_person(
    session: AsyncSession,
    person_id: int,
    message: Outbound,
    now: datetime,
    *,
    prefer_channel: str = "",
) -> bool:
    """Queues a message to a person's most recent chat account; False if they have none.

    With `prefer_channel`, their most recent account on that channel comes first if they have one.
    """
    query = select(ChatAccount).where(ChatAccount.person_id == person_id)
    if prefer_channel:
        query = query.order_by((ChatAccount.channel == prefer_channel).desc())
    account = await session.scalar(query.order_by(ChatAccount.id.desc()).limit(1))
    if account is None:
        return False
    queue_outbound(session, account.channel, replace(message, chat_id=account.chat_id), now)
    return True


def queue_outbound(session: AsyncSession, channel: str, message: Outbound, now: datetime) -> None:
    """Adds one message to the outbox of this transaction (handed to the sender after commit)."""
    queued: list[Pending] = written_before_commit(session, "outbox", list, _write_outbox)
    queued.append(Pending(0, channel, message.chat_id, message.to_json(), 0, now))


_OUTBOX = table_of(OutboxMessage)
_INSERT_OUTBOX = insert(_OUTBOX).returning(_OUTBOX.c.id, sort_by_parameter_order=True)


async def _write_outbox(session: AsyncSession) -> None:
    """Inserts the queued rows in one statement (cheaper than the ORM's unit of work)."""
    queued: list[Pending] = session.info["outbox"]
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
    ids = (await session.execute(_INSERT_OUTBOX, values)).scalars().all()
    for item, row_id in zip(queued, ids, strict=True):
        item.id = row_id


def queued_rows(session: AsyncSession) -> list[Pending]:
    """The outbox messages this transaction has queued so far."""
    queued: list[Pending] = session.info.get("outbox", [])
    return queued
