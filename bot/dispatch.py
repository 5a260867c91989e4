"""Handles recorded inbounds in order per chat, across replicas; replies go to the sender after
commit.

Under load, the first waiting event of up to `max_batch` chats is handled in one transaction: the
chats are locked, their oldest pending inbound rows claimed, their dialogs and senders loaded, and
the dialogs saved back with one statement each for the whole batch, so the cost of a database
round trip is shared. Each event still runs its own handler with its own context, and a batch that
fails is handled again one chat per transaction, so one broken event never takes another one's
answer with it.

Order per chat is held by the database, not by this process: a transaction handles a chat's event
only while it holds the chat's advisory lock (PostgreSQL; SQLite has one process) and only the
oldest pending event of that chat. A replica that records an event tries its chat itself; if
another replica holds the chat, it waits until that one announces the chat free
(`announce`/`free`, LISTEN/NOTIFY in bot/signals.py) or, at the latest, `CONTESTED_SECONDS`
later. A failure that passes by itself (bot/transient.py) is tried again after a capped, jittered
backoff, the chat's later events waiting behind it; any other failure marks the event `failed`
and sends the failure text once. `sweep` pages through every chat with a pending event (at start,
and now and then as a safety net for rows whose replica died).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from sqlalchemy import bindparam, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.base import Choice, Inbound, Outbound
from bot.context import Context, Services
from bot.db import Database
from bot.dialogs import ChatKey, load_dialogs, save_dialogs
from bot.inbox import claim_inbound, mark_failed, next_inbound, pending_chats
from bot.interactions import Buttons, Signer, Tap, bind
from bot.logs import describe_error
from bot.models.people import ChatAccount, Person
from bot.routing import Handler, Routes
from bot.transient import describe_failure, is_transient
from bot.turns import Attempt, Turns
from bot.unit_of_work import AfterCommit, UnitOfWork, begin_work
from surveys.text import names

log = logging.getLogger(__name__)

Sender = tuple[ChatAccount, Person]
Announce = Callable[[Sequence[ChatKey]], None]

# built once: building an ORM statement costs more than running it
_SENDERS = (
    select(ChatAccount, Person)
    .join(Person, Person.id == ChatAccount.person_id)
    .where(tuple_(ChatAccount.channel, ChatAccount.user_id).in_(bindparam("keys", expanding=True)))
)


class Dispatcher:
    """Routes and handles the next event of a batch of chats in one transaction."""

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
        announce: Announce | None = None,
    ) -> None:
        self.db = db
        self.routes = routes
        self.services = services
        self.after_commit = after_commit
        self.signer = signer
        self.buttons = Buttons(route.kind for route in routes.buttons)
        self._taps = {route.kind: route for route in routes.buttons}
        self._flows = {during.flow.name: during for during in routes.flows}
        # tells the other replicas which chats this one has let go of (after each commit)
        self.announce = announce
        self.turns = Turns(self._attempt, max_batch=max_batch, max_batches=max_batches)
        self.handled = 0

    def submit(self, inbound_id: int, inbound: Inbound) -> None:
        """Has a recorded inbound handled, after the earlier ones of the same chat."""
        self.turns.want((inbound.channel, inbound.chat_id), inbound_id)

    def free(self, keys: Iterable[ChatKey]) -> None:
        """Another replica has let go of these chats: try those it held up here now."""
        self.turns.free(keys)

    async def sweep(self) -> int:
        """Wants every chat with a pending event, oldest first (at start: what was recorded but
        not handled before a crash or restart; later: what a replica that died left)."""
        count = 0
        async for page in pending_chats(self.db):
            for key in page:
                self.turns.want(key)
            count += len(page)
        return count

    recover = sweep

    async def idle(self) -> None:
        """Waits until every wanted chat has been handled (tests, shutdown)."""
        await self.turns.idle()

    async def stop(self) -> None:
        """Finishes the chats ready or being handled; those waiting to retry stay pending in the
        database for the next start (or another replica)."""
        await self.turns.stop()

    # --- handling -------------------------------------------------------------------------------

    async def _attempt(self, keys: Sequence[ChatKey]) -> Attempt:
        """The next event of several chats in one transaction, or one chat at a time on error."""
        trying: dict[ChatKey, tuple[int, Inbound]] = {}
        try:
            return await self._handle_together(keys, trying)
        except Exception as error:
            return await self._after_failure(keys, trying, error)

    async def _after_failure(
        self, keys: Sequence[ChatKey], trying: dict[ChatKey, tuple[int, Inbound]], error: Exception
    ) -> Attempt:
        if is_transient(error):
            return Attempt(retry=set(keys), reason=describe_failure(error))
        if len(keys) > 1:
            log.warning("a batch of %d failed (%s); one by one", len(keys), describe_failure(error))
            tried = Attempt()
            for key in keys:
                tried.add(await self._attempt([key]))
            return tried
        head = trying.get(keys[0])
        if head is None:  # before an event was read: nothing to blame it on
            log.exception("reading a chat's next event failed")
            return Attempt(retry=set(keys), reason=describe_failure(error))
        inbound_id, inbound = head
        log.exception("inbound %s failed", inbound_id)
        try:
            await self._record_failure(inbound_id, inbound, error)
        except Exception as again:
            if not is_transient(again):
                log.exception("recording that inbound %s failed, failed", inbound_id)
            return Attempt(retry=set(keys), reason=describe_failure(again))
        self.handled += 1
        return Attempt(handled={keys[0]: inbound_id})

    async def _handle_together(
        self, keys: Sequence[ChatKey], trying: dict[ChatKey, tuple[int, Inbound]]
    ) -> Attempt:
        """One unit of work for the batch: its handlers share it, it is flushed before commit."""
        now = self.services.clock.now()
        async with begin_work(self.db, now, self.after_commit) as work:
            found = await next_inbound(work.session, keys)
            trying.update(found.held)
            claimed = await claim_inbound(work.session, [i for i, _ in trying.values()], now)
            todo = [inbound for inbound_id, inbound in trying.values() if inbound_id in claimed]
            if todo:
                await self._run_handlers(work, todo)
        self.handled += len(todo)
        if trying and self.announce is not None:  # let go of: another replica may wait for one
            self.announce(sorted(trying))
        return Attempt(
            handled={key: inbound_id for key, (inbound_id, _) in trying.items()},
            idle=set(keys) - trying.keys() - found.contested,
            contested=found.contested,
        )

    async def _run_handlers(self, work: UnitOfWork, todo: Sequence[Inbound]) -> None:
        """Each event's route, with the chats' dialogs and senders read for all at once."""
        session, now = work.session, work.now
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
        during = self._flows.get(ctx.dialog.flow)
        if typed is not None:
            handler = self._typed_tap(ctx, typed)
        else:
            handler = during.typed if during is not None else routes.fallback
        if routes.claims and (during is None or during.typed is routes.fallback):
            return self._claimed_first(handler)
        return handler

    def _typed_tap(self, ctx: Context, payload: str) -> Handler:
        """A typed reply that names a choice we showed in this chat: it answers like a tap, but
        there is no bot message of its own to edit (`ctx.button` is known at once, for the
        prefetch; the claims still see the text as typed)."""
        tapped = self._tapped(ctx, payload)
        as_tap = replace(ctx.inbound, kind="choice", choice=payload, message_id=None)

        async def handle(context: Context) -> None:
            context.inbound = as_tap
            await tapped(context)

        return handle

    def _claimed_first(self, then: Handler) -> Handler:
        """`then`, unless one of the claims takes the typed text."""

        async def handle(ctx: Context) -> None:
            for claim in self.routes.claims:
                if await claim(ctx):
                    ctx.button = None
                    return
            await then(ctx)

        return handle

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
        """Marks the event failed and says so to the chat, once (another replica may have too)."""
        now = self.services.clock.now()
        async with begin_work(self.db, now, self.after_commit) as work:
            if await mark_failed(work.session, inbound_id, describe_error(error)[:2000], now):
                text = self.routes.failure_text
                work.send(
                    inbound.channel,
                    Outbound(inbound.chat_id, text, callback_id=inbound.callback_id),
                )
        if self.announce is not None:
            self.announce([(inbound.channel, inbound.chat_id)])


async def _load_senders(
    session: AsyncSession, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], Sender]:
    """The chat account and person behind each (channel, user id) that has one, in one query."""
    found = await session.execute(_SENDERS, {"keys": list(set(keys))})
    return {(account.channel, account.user_id): (account, person) for account, person in found}


def match_typed_choice(text: str, shown: list[dict[str, str]]) -> str | None:
    """The payload of the shown choice a typed reply names, by its key or its label
    (forgiving case, diacritics, punctuation, dashes and a polite particle: surveys/text.py)."""
    for index, choice in enumerate(shown, start=1):
        if names(text, choice.get("key") or str(index), choice["label"]):
            return choice["payload"]
    return None


def _issued_here(ctx: Context, tap: Tap) -> bool:
    """A flow's button acts only in the instance of the flow it was shown in."""
    flow = type(tap.button).flow
    return flow is None or (ctx.dialog.flow == flow.name and tap.token == ctx.flow_token)


def _choice_json(choice: Choice) -> dict[str, str]:
    return {"payload": choice.payload, "label": choice.label, "key": choice.key}
