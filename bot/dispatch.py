"""Handles recorded inbounds in order per chat; replies are handed to the sender after commit.

Under load, the first waiting event of up to `max_batch` chats is handled in one transaction: the
inbound rows are claimed, the chats' dialogs and senders loaded, and the dialogs saved back with
one statement each for the whole batch, so the cost of a database round trip is shared. Each
event still runs its own handler with its own context, and a batch that fails is handled again
one event per transaction, so one broken event never takes another one's answer with it.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import replace

from sqlalchemy import bindparam, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.base import Choice, Inbound, Outbound
from bot.context import Context, Services
from bot.db import Database
from bot.dialogs import ChatKey, load_dialogs, save_dialogs
from bot.inbox import claim_inbound, pending_inbound
from bot.interactions import Buttons, Signer, Tap, bind
from bot.logs import describe_error
from bot.models import ChatAccount, InboundMessage, Person
from bot.routing import Handler, Routes
from bot.unit_of_work import AfterCommit, begin_work
from surveys.text import fold

log = logging.getLogger(__name__)

Event = tuple[int, Inbound]
Sender = tuple[ChatAccount, Person]

# built once: building an ORM statement costs more than running it
_SENDERS = (
    select(ChatAccount, Person)
    .join(Person, Person.id == ChatAccount.person_id)
    .where(tuple_(ChatAccount.channel, ChatAccount.user_id).in_(bindparam("keys", expanding=True)))
)


class Dispatcher:
    """Per-chat queues of inbound events, drained a batch of chats at a time."""

    def __init__(
        self,
        db: Database,
        routes: Routes,
        services: Services,
        after_commit: AfterCommit,
        signer: Signer,
        *,
        max_batch: int = 32,
        max_batches: int = 4,
    ) -> None:
        self.db = db
        self.routes = routes
        self.services = services
        self.after_commit = after_commit
        self.signer = signer
        self.buttons = Buttons(route.kind for route in routes.buttons)
        self._taps = {route.kind: route for route in routes.buttons}
        self._flows = {during.flow.name: during for during in routes.flows}
        self.max_batch = max_batch
        # fewer transactions at once than pooled connections, so the inbox and outbox get theirs
        self.max_batches = max_batches
        self._queues: dict[ChatKey, deque[Event]] = {}
        self._ready: deque[ChatKey] = deque()
        self._batches: set[asyncio.Task[None]] = set()
        self._pump_scheduled = False
        self.handled = 0

    def submit(self, inbound_id: int, inbound: Inbound) -> None:
        """Queues a recorded inbound behind the earlier ones of the same chat."""
        key = (inbound.channel, inbound.chat_id)
        queue = self._queues.get(key)
        if queue is None:
            queue = self._queues[key] = deque()
            self._ready.append(key)
        queue.append((inbound_id, inbound))
        if not self._pump_scheduled:  # after the other arrivals of this loop turn have queued
            self._pump_scheduled = True
            asyncio.get_running_loop().call_soon(self._pump)

    async def recover(self) -> int:
        """Re-queues what was recorded but not handled before a crash or restart."""
        pending = await pending_inbound(self.db)
        for inbound_id, inbound in pending:
            self.submit(inbound_id, inbound)
        return len(pending)

    async def idle(self) -> None:
        """Waits until every queued inbound has been handled (tests, shutdown)."""
        while self._queues or self._batches:
            if self._batches:
                await asyncio.gather(*list(self._batches), return_exceptions=True)
            else:
                await asyncio.sleep(0)

    def _pump(self) -> None:
        self._pump_scheduled = False
        while self._ready and len(self._batches) < self.max_batches:
            size = min(self.max_batch, len(self._ready))
            keys = [self._ready.popleft() for _ in range(size)]
            task = asyncio.get_running_loop().create_task(self._run(keys))
            self._batches.add(task)
            task.add_done_callback(self._batches.discard)

    async def _run(self, keys: list[ChatKey]) -> None:
        try:
            await self.handle([self._queues[key][0] for key in keys])
        finally:
            for key in keys:
                queue = self._queues[key]
                queue.popleft()
                if queue:
                    self._ready.append(key)
                else:
                    del self._queues[key]
            # leave the count of running batches before refilling it: when all of them end in
            # one loop turn, each must see the room the others made, or the waiting chats stall
            self._batches.discard(asyncio.current_task())
            self._pump()

    async def handle(self, events: Sequence[Event]) -> None:
        """Runs the routes of several chats' events in one transaction, or one by one on error."""
        try:
            handled = await self._handle_together(events)
        except Exception as error:
            if len(events) > 1:
                log.warning("a batch of %d failed (%r); handling it one by one", len(events), error)
                for event in events:
                    await self.handle([event])
                return
            inbound_id, inbound = events[0]
            log.exception("inbound %s failed", inbound_id)
            await self._record_failure(inbound_id, inbound, error)
            handled = 1
        self.handled += handled

    async def _handle_together(self, events: Sequence[Event]) -> int:
        """One unit of work for the batch: its handlers share it, it is flushed before commit."""
        now = self.services.clock.now()
        async with begin_work(self.db, now, self.after_commit) as work:
            session = work.session
            claimed = await claim_inbound(session, [inbound_id for inbound_id, _ in events], now)
            todo = [inbound for inbound_id, inbound in events if inbound_id in claimed]
            if not todo:
                return 0
            dialogs = await load_dialogs(session, ((i.channel, i.chat_id) for i in todo))
            senders = await _load_senders(session, ((i.channel, i.user_id) for i in todo))
            contexts = []
            for inbound in todo:
                account, person = senders.get((inbound.channel, inbound.user_id), (None, None))
                dialog = dialogs[(inbound.channel, inbound.chat_id)]
                contexts.append(Context(work, inbound, self.services, now, dialog, account, person))
            chosen = [self._route(context) for context in contexts]
            for prefetch in self.routes.prefetch:
                await prefetch(contexts)
            for context, handler in zip(contexts, chosen, strict=True):
                await handler(context)
                self._flush(context)
            await save_dialogs(session, [c.dialog for c in contexts], now)
        return len(todo)

    def _route(self, ctx: Context) -> Handler:
        inbound, routes = ctx.inbound, self.routes
        if inbound.kind == "text" and inbound.text.startswith("/"):
            name, *arg = inbound.text[1:].split(maxsplit=1) or [""]
            ctx.command = name.split("@", 1)[0].lower()
            ctx.command_arg = arg[0].strip() if arg else ""
        if inbound.kind == "choice":
            signed = inbound.choice or ""
            return self._tapped(ctx, self.signer.open(inbound.channel, inbound.chat_id, signed))
        if inbound.in_group:
            return routes.group
        if inbound.kind != "text":
            return routes.non_text
        if inbound.text.startswith("/"):
            return routes.commands.get(ctx.command, routes.fallback)
        shown = [c for c in ctx.dialog.choices if self.buttons.typable(c["payload"])]
        typed = match_typed_choice(inbound.text, shown)
        if typed is not None:
            # a typed reply names a choice we showed in this chat: it answers like a tap, but
            # there is no bot message of its own to edit
            ctx.inbound = replace(inbound, kind="choice", choice=typed, message_id=None)
            return self._tapped(ctx, typed)
        during = self._flows.get(ctx.dialog.flow)
        return during.typed if during is not None else routes.fallback

    def _tapped(self, ctx: Context, payload: str | None) -> Handler:
        """The handler of a tap on one of our buttons issued in this chat and state, or stale."""
        tap = self.buttons.decode(payload) if payload is not None else None
        if tap is None or not _issued_here(ctx, tap):
            why = "unsigned" if payload is None else "unknown" if tap is None else "stale flow"
            log.warning("%s tap refused (%s)", ctx.inbound.channel, why)
            return self._stale
        route, button = self._taps[type(tap.button)], tap.button
        ctx.button = button
        return lambda context: route.handler(context, button)

    async def _stale(self, ctx: Context) -> None:
        """Says the button is no longer valid; nothing else happens."""
        if ctx.inbound.in_group:  # a short notice to the one who tapped, not the whole group
            ctx.replies.append(
                Outbound(ctx.inbound.chat_id, "", kind="ack", notice=self.routes.stale_text)
            )
        else:
            ctx.reply(self.routes.stale_text)

    def _flush(self, ctx: Context) -> None:
        replies = ctx.replies
        callback_id = ctx.inbound.callback_id
        if callback_id:
            first = replies[0] if replies else Outbound(ctx.inbound.chat_id, "", kind="ack")
            replies[:1] = [replace(first, callback_id=callback_id)]
        token = ctx.flow_token
        for message in replies:
            if message.choices:
                message = replace(message, choices=bind(message.choices, token))
            ctx.work.send(ctx.inbound.channel, message)
            if message.kind == "message" and not ctx.inbound.in_group:
                ctx.dialog.choices = [_choice_json(c) for c in message.choices]

    async def _record_failure(self, inbound_id: int, inbound: Inbound, error: Exception) -> None:
        now = self.services.clock.now()
        async with begin_work(self.db, now, self.after_commit) as work:
            await work.session.execute(
                update(InboundMessage)
                .where(InboundMessage.id == inbound_id)
                .values(status="failed", error=describe_error(error)[:2000], handled_at=now)
            )
            text = self.routes.failure_text
            work.send(
                inbound.channel, Outbound(inbound.chat_id, text, callback_id=inbound.callback_id)
            )


async def _load_senders(
    session: AsyncSession, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], Sender]:
    """The chat account and person behind each (channel, user id) that has one, in one query."""
    found = await session.execute(_SENDERS, {"keys": list(set(keys))})
    return {(account.channel, account.user_id): (account, person) for account, person in found}


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


def _issued_here(ctx: Context, tap: Tap) -> bool:
    """A flow's button acts only in the instance of the flow it was shown in."""
    flow = type(tap.button).flow
    return flow is None or (ctx.dialog.flow == flow.name and tap.token == ctx.flow_token)


def _choice_json(choice: Choice) -> dict[str, str]:
    return {"payload": choice.payload, "label": choice.label, "key": choice.key}
