"""The one path from a decoded update to a recorded Inbound, shared by webhooks and long polls.

An adapter's `translate` turns one decoded update into an Inbound, returns None for what the bot
ignores on purpose (logged at DEBUG by the adapter), or raises `Malformed` with a short reason.
Whatever it returns is checked here, field by field, against what the inbox can store: ids must
be short clean strings (and, where a platform's ids are numbers, 64-bit integers), words lose
NUL characters and lone surrogates (PostgreSQL and UTF-8 refuse them). Garbage is skipped and
said once at WARNING with its reason (never the person's text, never a traceback), so that the
platform is told "received" and does not deliver it again forever.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Final

from bot.channels.base import Inbound, Receiver
from bot.channels.kit.redaction import describe
from bot.transient import Spell

log = logging.getLogger(__name__)

ID_LIMIT: Final = 64  # the width of the inbox's id columns
CHOICE_LIMIT: Final = 256  # bytes of a button payload (Telegram allows 64, the web page 256)
TEXT_LIMITS: Final = {"text": 4096, "user_name": 256, "media": 2048}
_IDS: Final = ("external_id", "chat_id", "user_id")
_OPTIONAL_IDS: Final = ("message_id", "callback_id")
_LONE_SURROGATE: Final = re.compile("[\ud800-\udfff]")
INT64: Final = range(-(2**63), 2**63)
_INTEGER: Final = re.compile(r"-?[0-9]{1,19}")

Translate = Callable[[object], Inbound | None]


class Malformed(ValueError):
    """An update that is not what the platform documents; the message is a short reason that
    names fields, never their values (they may be a person's words)."""


def take(channel: str, translate: Translate, update: object) -> Inbound | None:
    """The checked Inbound of one decoded update, or None when it is skipped (garbage said once)."""
    try:
        inbound = translate(update)
        return None if inbound is None else checked(inbound)
    except Malformed as exc:
        reason = str(exc)
    except Exception as exc:  # a parser choking on a shape it never saw: the type says enough
        reason = f"unreadable update ({type(exc).__name__})"
    log.warning("%s: skipping update: %s", channel, reason)
    return None


def inbox_spell(channel: str) -> Spell:
    """How a channel says its inbox cannot record (the database is away): once, not per update."""
    return Spell(log, f"{channel} inbox")


async def record(spell: Spell, receive: Receiver, inbound: Inbound) -> bool:
    """Hands `inbound` to the inbox; False (said once per spell, or at ERROR) when not recorded."""
    try:
        await receive(inbound)
    except Exception as exc:
        if not spell.failed(exc):
            log.error(
                "%s update %s not recorded: %s", spell.what, inbound.external_id, describe(exc)
            )
        return False
    spell.passed()
    return True


def checked(inbound: Inbound) -> Inbound:
    """`inbound` as the inbox can store it: ids must be clean, words lose NUL characters and
    their lone surrogates become U+FFFD; Malformed when a field cannot be stored or used (an id
    too long, a control character in an id or a button payload)."""
    for name in _IDS:
        _check_id(name, getattr(inbound, name))
    for name in _OPTIONAL_IDS:
        if getattr(inbound, name) is not None:
            _check_id(name, getattr(inbound, name))
    if not isinstance(inbound.received_at, datetime) or inbound.received_at.tzinfo is None:
        raise Malformed("received_at is not an aware datetime")
    if inbound.choice is not None:
        _check_choice(inbound.choice)
    text, user_name = _words("text", inbound.text), _words("user_name", inbound.user_name)
    media = None if inbound.media is None else _words("media", inbound.media)
    if (text, user_name, media) == (inbound.text, inbound.user_name, inbound.media):
        return inbound
    return dataclasses.replace(inbound, text=text, user_name=user_name, media=media)


def numbers_checked(inbound: Inbound, names: Iterable[str]) -> Inbound:
    """`inbound`, if each of its ids `names` (a platform's numeric ids) is a 64-bit integer;
    Malformed otherwise: such an id cannot have come from the platform."""
    for name in names:
        value = getattr(inbound, name)
        if value is not None and not is_int64(value):
            raise Malformed(f"{name} is not a 64-bit integer")
    return inbound


def is_int64(value: object) -> bool:
    """Whether `value` is a 64-bit integer, or the digits of one."""
    if isinstance(value, str):
        return _INTEGER.fullmatch(value) is not None and int(value) in INT64
    return type(value) is int and value in INT64


def _check_id(name: str, value: object) -> None:
    if not isinstance(value, str) or not value:
        raise Malformed(f"{name} is missing or not a string")
    if len(value) > ID_LIMIT:
        raise Malformed(f"{name} is longer than {ID_LIMIT} characters")
    if not _is_printable(value):
        raise Malformed(f"{name} holds control characters or lone surrogates")


def _check_choice(choice: object) -> None:
    """A button payload is opaque here, but it must be a short clean string to be refused
    politely later: an oversized or binary one cannot come from a button we sent."""
    if not isinstance(choice, str) or not choice:
        raise Malformed("callback data is missing or not a string")
    if len(choice.encode(errors="surrogatepass")) > CHOICE_LIMIT:
        raise Malformed(f"callback data is longer than {CHOICE_LIMIT} bytes")
    if not _is_printable(choice):
        raise Malformed("callback data holds control characters or lone surrogates")


def _words(name: str, value: object) -> str:
    """A text field without NUL characters (PostgreSQL refuses them in text) and with lone
    surrogates (valid JSON, invalid UTF-8) replaced."""
    if not isinstance(value, str):
        raise Malformed(f"{name} is not a string")
    if len(value) > TEXT_LIMITS[name]:
        raise Malformed(f"{name} is longer than {TEXT_LIMITS[name]} characters")
    return _LONE_SURROGATE.sub("\ufffd", value.replace("\x00", ""))


def _is_printable(value: str) -> bool:
    return not any(unicodedata.category(ch) in ("Cc", "Cs") for ch in value)
