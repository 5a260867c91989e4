"""What a handler gets for one event: its unit of work, who is talking, and a way to reply."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.base import Choice, Inbound, Outbound
from bot.clock import Clock
from bot.dialogs import DialogState
from bot.models import ChatAccount, Person
from bot.settings import Settings
from bot.unit_of_work import UnitOfWork
from surveys.catalog import Catalog


@dataclass(frozen=True)
class Services:
    """Long-lived things handlers may use; built once in the composition root."""

    settings: Settings
    clock: Clock
    catalog: Catalog
    links: Callable[[str], Awaitable[str | None]]


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
    replies: list[Outbound] = field(default_factory=list)

    @property
    def session(self) -> AsyncSession:
        """The transaction's session, for reads and ORM writes."""
        return self.work.session

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

    def end_flow(self) -> None:
        self.set_flow("")
