"""What a handler gets for one event: its unit of work, who is talking, and a way to reply."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.base import Choice, Inbound, Outbound
from bot.clock import Clock
from bot.dialogs import DialogState
from bot.interactions import Button, Flow, S, new_token
from bot.models.people import ChatAccount, Person
from bot.photos import PhotoKeeper
from bot.settings import Settings
from bot.unit_of_work import UnitOfWork
from surveys.catalog import Catalog

TOKEN = "_token"  # the open flow instance's token, kept beside its state


@dataclass(frozen=True)
class Services:
    """Long-lived things handlers may use; built once in the composition root."""

    settings: Settings
    clock: Clock
    catalog: Catalog
    links: Callable[[str], Awaitable[str | None]]
    photos: PhotoKeeper  # copies of the photos people send (bot/media.py)


@dataclass
class Context:
    """One inbound event being handled inside one transaction (shared by a dispatch batch)."""

    work: UnitOfWork  # writes, queued messages and after-commit work of the transaction
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

    @property
    def session(self) -> AsyncSession:
        """The transaction's session, for reads and ORM writes."""
        return self.work.session

    def reply(
        self,
        text: str,
        choices: Sequence[Choice] = (),
        *,
        edit: bool = False,
        notice: str = "",
        forget: bool = False,
        takes_photo: bool = False,
    ) -> None:
        """Queues a message to this chat; `edit` replaces the message whose button was tapped;
        `forget` has a channel that keeps the chat's log (the web page) start it afresh;
        `takes_photo`: what it asks may be answered with a photo (`Outbound.takes_photo`)."""
        edit_of = self.inbound.message_id if edit and self.inbound.kind == "choice" else None
        self.replies.append(
            Outbound(
                chat_id=self.inbound.chat_id,
                text=text,
                choices=tuple(choices),
                edit_of=edit_of,
                notice=notice,
                takes_photo=takes_photo,
                meta={"group": self.inbound.in_group, **({"forget": True} if forget else {})},
            )
        )

    @property
    def can_edit(self) -> bool:
        """Whether `reply(edit=True)` edits a message: a tap on a button of one of ours."""
        return self.inbound.kind == "choice" and self.inbound.message_id is not None

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
