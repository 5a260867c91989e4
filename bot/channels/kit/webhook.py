"""The webhook skeleton every platform channel serves: secret, size, parse, record, then ack.

A webhook always has a secret (8-256 characters): without one anybody could post updates as
any parent or principal, so `Webhook` refuses to be made without it, whatever the platform.

The answer is what tells the platform whether to deliver again, so it is chosen with care:
401 for a wrong or missing secret (no detail), 503 before the channel started, 413 for a body
over the limit, 400 for a body that is not a JSON object (no platform sends one), 500 only when
the inbox could not record the update (the platform retries), and 200 for everything else — an
update of a shape the adapter does not know included, said once at WARNING, or the platform would
send it again forever. An update is acknowledged only after it was recorded.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from aiohttp import web

from bot.channels.base import Receiver
from bot.channels.kit.intake import Translate, inbox_spell, record, take

log = logging.getLogger(__name__)

MAX_BODY: Final = 256 * 1024  # a Telegram or Zalo update is a few kilobytes at most
SECRET_LENGTH: Final = range(8, 257)  # Zalo's bounds; Telegram takes up to 256 as well


@dataclass(frozen=True)
class Webhook:
    """Where one channel takes updates, and the secret header that proves the platform sent them."""

    channel: str
    path: str
    secret_header: str
    secret: str = field(repr=False)
    max_body: int = MAX_BODY

    def __post_init__(self) -> None:
        if not isinstance(self.secret, str) or len(self.secret) not in SECRET_LENGTH:
            raise ValueError(
                f"the {self.channel} webhook needs a secret of 8 to 256 characters: "
                "without it anyone could post updates"
            )


def webhook_route(
    hook: Webhook, translate: Translate, receiver: Callable[[], Receiver | None]
) -> web.RouteDef:
    """The POST route of `hook`; `receiver()` is the channel's receive, None until it started."""
    spell = inbox_spell(hook.channel)

    async def take_update(request: web.Request) -> web.Response:
        if not _secret_matches(hook, request):
            log.warning("%s webhook: missing or wrong secret from %s", hook.channel, request.remote)
            return web.Response(status=401)
        receive = receiver()
        if receive is None:  # not started yet: the platform will deliver again
            return web.Response(status=503)
        body = await _read_capped(request, hook.max_body)
        if body is None:
            log.warning("%s webhook: skipping a body over %d bytes", hook.channel, hook.max_body)
            return web.Response(status=413)
        try:
            update = json.loads(body)
        except (ValueError, RecursionError):
            update = None
        if not isinstance(update, dict):
            log.warning("%s webhook: refusing a body that is not a JSON object", hook.channel)
            return web.Response(status=400)
        inbound = take(hook.channel, translate, update)
        if inbound is not None and not await record(spell, receive, inbound):
            return web.Response(status=500)
        return web.Response(status=200)

    return web.post(hook.path, take_update)


def _secret_matches(hook: Webhook, request: web.Request) -> bool:
    given = request.headers.get(hook.secret_header, "").encode(errors="surrogateescape")
    return hmac.compare_digest(given, hook.secret.encode())


async def _read_capped(request: web.Request, limit: int) -> bytes | None:
    """The whole body, or None as soon as it is known to be longer than `limit` bytes."""
    if request.content_length is not None and request.content_length > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_any():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
