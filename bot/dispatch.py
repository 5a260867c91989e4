"""Handles each recorded inbound in its own transaction, in order per chat; hands replies on."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.base import Choice, Inbound, Outbound
from bot.context import Context, Services, queue_outbound, queued_rows
from bot.db import Database
from bot.dialogs import load_dialog, save_dialog
from bot.inbox import claim_inbound, pending_inbound
from bot.models import ChatAccount, InboundMessage, OutboxMessage, Person
from bot.routing import Handler, Routes
from surveys.text import fold

log = logging.getLogger(__name__)

# run for every event, so built once (building an ORM statement costs more than running it)
_SENDER = (
    select(ChatAccount, Person)
    .join(Person, Person.id == ChatAccount.person_id)
    .where(ChatAccount.channel == bindparam("channel"), ChatAccount.user_id == bindparam("user_id"))
)

ChatKey = tuple[str, str]


class Dispatcher:
    """Per-chat queues of inbound ids, each drained by one task at a time."""

    def __init__(
        self,
        db: Database,
        routes: Routes,
        services: Services,
        on_commit: Callable[[list[OutboxMessage]], None],
        *,
        concurrency: int = 16,
    ) -> None:
        self.db = db
        # fewer transactions at once than pooled connections, so the inbox and outbox get theirs
        self._slots = asyncio.Semaphore(concurrency)
        self.routes = routes
        self.services = services
        self.on_commit = on_commit
        self._queues: dict[ChatKey, asyncio.Queue[tuple[int, Inbound]]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self.handled = 0

    def submit(self, inbound_id: int, inbound: Inbound) -> None:
        """Queues a recorded inbound behind the earlier ones of the same chat."""
        key = (inbound.channel, inbound.chat_id)
        queue = self._queues.get(key)
        if queue is None:
            queue = self._queues[key] = asyncio.Queue()
            task = asyncio.get_running_loop().create_task(self._drain(key, queue))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        queue.put_nowait((inbound_id, inbound))

    async def recover(self) -> int:
        """Re-queues what was recorded but not handled before a crash or restart."""
        pending = await pending_inbound(self.db)
        for inbound_id, inbound in pending:
            self.submit(inbound_id, inbound)
        return len(pending)

    async def idle(self) -> None:
        """Waits until every queued inbound has been handled (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _drain(self, key: ChatKey, queue: asyncio.Queue[tuple[int, Inbound]]) -> None:
        try:
            while not queue.empty():
                inbound_id, inbound = queue.get_nowait()
                async with self._slots:
                    await self.handle(inbound_id, inbound)
        finally:
            # no await between the last empty() check and this pop, so nothing is stranded
            self._queues.pop(key, None)

    async def handle(self, inbound_id: int, inbound: Inbound) -> None:
        """Runs the route for one inbound in one transaction; replies are sent after commit."""
        try:
            async with self.db.transaction() as session:
                if not await claim_inbound(session, inbound_id):
                    return
                context = await self._context(session, inbound)
                await self._route(context)(context)
                self._flush(context)
                await save_dialog(session, context.dialog, context.now)
                queued = queued_rows(session)
        except Exception as error:
            log.exception("inbound %s failed", inbound_id)
            queued = await self._record_failure(inbound_id, inbound, error)
        self.handled += 1
        self.on_commit(queued)

    async def _context(self, session: AsyncSession, inbound: Inbound) -> Context:
        now = self.services.clock.now()
        dialog = await load_dialog(session, inbound.channel, inbound.chat_id)
        sender = {"channel": inbound.channel, "user_id": inbound.user_id}
        found = (await session.execute(_SENDER, sender)).first()
        account, person = found if found is not None else (None, None)
        return Context(session, inbound, self.services, now, dialog, account, person)

    def _route(self, ctx: Context) -> Handler:
        inbound, routes = ctx.inbound, self.routes
        if inbound.in_group:
            return routes.group
        if inbound.kind == "choice" and inbound.choice:
            return routes.buttons.get(inbound.choice.split(":", 1)[0], routes.fallback)
        if inbound.kind != "text":
            return routes.non_text
        if inbound.text.startswith("/"):
            name, _, arg = inbound.text[1:].partition(" ")
            ctx.command_arg = arg.strip()
            return routes.commands.get(name.split("@", 1)[0].lower(), routes.fallback)
        typed = match_typed_choice(inbound.text, ctx.dialog.choices)
        if typed is not None:
            ctx.inbound = replace(inbound, kind="choice", choice=typed)
            return routes.buttons.get(typed.split(":", 1)[0], routes.fallback)
        return routes.flows.get(ctx.dialog.flow, routes.fallback)

    def _flush(self, ctx: Context) -> None:
        replies = ctx.replies
        callback_id = ctx.inbound.callback_id
        if callback_id:
            first = replies[0] if replies else Outbound(ctx.inbound.chat_id, "", kind="ack")
            replies[:1] = [replace(first, callback_id=callback_id)]
        for message in replies:
            queue_outbound(ctx.session, ctx.inbound.channel, message, ctx.now)
        if replies and not ctx.inbound.in_group:
            shown = [r for r in replies if r.kind == "message"]
            if shown:
                ctx.dialog.choices = [_choice_json(c) for c in shown[-1].choices]

    async def _record_failure(
        self, inbound_id: int, inbound: Inbound, error: Exception
    ) -> list[OutboxMessage]:
        now = self.services.clock.now()
        async with self.db.transaction() as session:
            await session.execute(
                update(InboundMessage)
                .where(InboundMessage.id == inbound_id)
                .values(status="failed", error=repr(error)[:2000], handled_at=now)
            )
            text = self.routes.failure_text
            message = Outbound(inbound.chat_id, text, callback_id=inbound.callback_id)
            queue_outbound(session, inbound.channel, message, now)
            return queued_rows(session)


def match_typed_choice(text: str, shown: list[dict[str, str]]) -> str | None:
    """The payload of the shown choice a typed reply names, by its key or its label."""
    wanted = fold(text)
    if not wanted:
        return None
    for index, choice in enumerate(shown, start=1):
        key = choice.get("key") or str(index)
        if wanted in (fold(key), fold(choice["label"])):
            return choice["payload"]
    return None


def _choice_json(choice: Choice) -> dict[str, str]:
    return {"payload": choice.payload, "label": choice.label, "key": choice.key}
