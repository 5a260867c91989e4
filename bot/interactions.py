"""Typed buttons and flows: one encoding, and a tap honoured only where it was issued.

A button is a small frozen dataclass declared with its verb (`class JoinClass(Button, verb="join")`)
and, if it acts only inside a multi-step flow, that flow (`flow=ANNOUNCE`). Its payload is written
and read here and nowhere else:

    <signature><verb>:<field>:<field>[~<flow token>]

- The fields are typed (int, str of [A-Za-z0-9_-], bool, a Literal of such strings) and read back
  strictly: anything else is no button at all, never an exception.
- A flow button carries the token of the flow instance it was shown in; the dispatcher honours it
  only while that same instance is open in that chat, so a button of a cancelled or finished draft
  cannot act on the next one.
- Every payload that leaves for a chat is signed for that chat (`Signer.sign_for`), so a payload
  copied from another chat, or made up, is refused before any handler runs.

Telegram caps callback data at 64 bytes; `encode` refuses a longer payload when it is written.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any, ClassVar, Generic, Self, TypeVar, dataclass_transform

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.channels.base import Choice, Outbound

PAYLOAD_LIMIT = 64  # Telegram's callback_data limit, in bytes
SIGNATURE_LENGTH = 11  # 64 bits, base64url without padding
TOKEN_LENGTH = 8
_VERB = re.compile(r"[a-z][a-z0-9]{0,7}")
_TEXT = re.compile(r"[A-Za-z0-9_-]{0,40}")
_INT = re.compile(r"[0-9]{1,12}")
_TOKEN = re.compile(rf"[A-Za-z0-9_-]{{{TOKEN_LENGTH}}}")


class FlowState(BaseModel):
    """The typed state of one open flow, stored as JSON with the chat's dialog."""

    model_config = ConfigDict(extra="ignore", frozen=True)


S = TypeVar("S", bound=FlowState)


@dataclass(frozen=True)
class Flow(Generic[S]):
    """A multi-step conversation: its name, its state, and how it ends or is interrupted.

    `cancelled` is what /huy says; `photos` whether a photo sent meanwhile belongs to it.
    """

    name: str
    state: type[S]
    cancelled: str
    photos: bool = False

    def load(self, data: Mapping[str, Any]) -> S | None:
        """The stored state, or None when it no longer reads as this flow's state."""
        try:
            return self.state.model_validate(data)
        except ValidationError:
            return None


@dataclass_transform(frozen_default=True)
class Button:
    """Base of every button type; subclasses are frozen dataclasses with a verb."""

    verb: ClassVar[str]
    flow: ClassVar[Flow[Any] | None]
    typed: ClassVar[bool]
    aside: ClassVar[bool]
    _fields: ClassVar[tuple[tuple[str, Callable[[str], object]], ...]]

    def __init_subclass__(
        cls,
        *,
        verb: str,
        flow: Flow[Any] | None = None,
        typed: bool = True,
        aside: bool = False,
        **kw: Any,
    ) -> None:
        """`typed=False`: a typed reply never counts as this button; its flow reads it.
        `aside=True`: a way out (skip, cancel), shown as such (`Choice.aside`)."""
        super().__init_subclass__(**kw)
        if not _VERB.fullmatch(verb):
            raise TypeError(f"button verb {verb!r} must be 1–8 lower-case letters or digits")
        cls.verb, cls.flow, cls.typed, cls.aside = verb, flow, typed, aside
        dataclass(frozen=True)(cls)
        hints = typing.get_type_hints(cls)
        cls._fields = tuple((f.name, _reader(hints[f.name])) for f in fields(cls))  # type: ignore[arg-type]

    def encode(self) -> str:
        """The payload of this button (without flow token or signature)."""
        parts = [self.verb, *(_write(getattr(self, name)) for name, _ in self._fields)]
        payload = ":".join(parts)
        room = PAYLOAD_LIMIT - SIGNATURE_LENGTH - (TOKEN_LENGTH + 1 if self.flow else 0)
        if len(payload.encode()) > room:
            raise ValueError(f"payload {payload!r} is longer than {room} bytes")
        return payload

    @classmethod
    def decode_fields(cls, parts: list[str]) -> Self | None:
        """The button these field texts spell, or None when they do not fit its fields."""
        if len(parts) != len(cls._fields):
            return None
        values: dict[str, object] = {}
        for (name, read), part in zip(cls._fields, parts, strict=True):
            value = read(part)
            if value is None:
                return None
            values[name] = value
        return cls(**values)


def choice(button: Button, label: str, key: str = "", *, aside: bool = False) -> Choice:
    """A quick reply that taps `button`; a flow button is bound to the flow when it is shown.

    `aside`: this one is a way out (help), whatever its type says.
    """
    return Choice(
        button.encode(), label, key, bound=button.flow is not None, aside=aside or button.aside
    )


@dataclass(frozen=True)
class Tap:
    """A decoded payload: the button, and the flow token it was shown with (if any)."""

    button: Button
    token: str = ""


class Buttons:
    """Reads payloads back into the declared button types."""

    def __init__(self, kinds: Iterable[type[Button]]) -> None:
        self.kinds: dict[str, type[Button]] = {}
        for kind in kinds:
            if self.kinds.setdefault(kind.verb, kind) is not kind:
                raise ValueError(f"two button types use the verb {kind.verb!r}")

    def typable(self, payload: str) -> bool:
        """Whether a typed reply naming this shown choice counts as tapping it."""
        kind = self.kinds.get(payload.partition("~")[0].split(":", 1)[0])
        return kind is not None and kind.typed

    def decode(self, payload: str) -> Tap | None:
        """The button a payload names, or None for anything that is not one of ours."""
        if len(payload) > PAYLOAD_LIMIT:
            return None
        body, _, token = payload.partition("~")
        verb, *parts = body.split(":")
        kind = self.kinds.get(verb)
        if kind is None or (token and not _TOKEN.fullmatch(token)):
            return None
        if (kind.flow is not None) != bool(token):
            return None
        button = kind.decode_fields(parts)
        return None if button is None else Tap(button, token)


def bind(choices: tuple[Choice, ...], token: str) -> tuple[Choice, ...]:
    """The choices with every flow button tied to the flow instance `token`."""
    if not any(c.bound for c in choices):
        return choices
    return tuple(
        replace(c, payload=f"{c.payload}~{token}", bound=False) if c.bound else c for c in choices
    )


def new_token() -> str:
    """A fresh random token for a flow instance."""
    return secrets.token_urlsafe(6)[:TOKEN_LENGTH]


class Signer:
    """Signs payloads for the chat they are sent to, and checks a tapped one.

    The key is read from the database when the app starts (`use`), before anything is handled.
    """

    def __init__(self) -> None:
        self._key: bytes | None = None

    def use(self, key: bytes) -> None:
        self._key = key

    def _mac(self, channel: str, chat_id: str, payload: str) -> str:
        if self._key is None:
            raise RuntimeError("the button key is not loaded yet (App.start loads it)")
        message = f"{channel}\0{chat_id}\0{payload}".encode()
        digest = hmac.new(self._key, message, hashlib.sha256).digest()[:8]
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def sign_for(self, channel: str, message: Outbound) -> Outbound:
        """The message with each choice's payload signed for its chat."""
        if not message.choices:
            return message
        chat = message.chat_id
        signed = tuple(
            replace(c, payload=self._mac(channel, chat, c.payload) + c.payload)
            for c in message.choices
        )
        return replace(message, choices=signed)

    def open(self, channel: str, chat_id: str, signed: str) -> str | None:
        """The payload, if it was signed for this chat; None for a forged or foreign one."""
        if not signed.isascii() or len(signed) > PAYLOAD_LIMIT:  # ours are short and ASCII
            return None
        mac, payload = signed[:SIGNATURE_LENGTH], signed[SIGNATURE_LENGTH:]
        expected = self._mac(channel, chat_id, payload).encode()
        # compared as bytes: compare_digest refuses str with non-ASCII characters (an emoji)
        if not payload or not hmac.compare_digest(mac.encode(), expected):
            return None
        return payload


def _write(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    text = str(value)
    if not _TEXT.fullmatch(text):
        raise ValueError(f"button field {text!r} must match [A-Za-z0-9_-]{{0,40}}")
    return text


def _reader(hint: object) -> Callable[[str], object]:
    """How to read one field back: strictly, returning None for anything unexpected."""
    if hint is bool:
        return lambda part: {"1": True, "0": False}.get(part)
    if hint is int:
        return lambda part: int(part) if _INT.fullmatch(part) else None
    if hint is str:
        return lambda part: part if _TEXT.fullmatch(part) else None
    if typing.get_origin(hint) is typing.Literal:
        allowed = {str(value): value for value in typing.get_args(hint)}
        return allowed.get
    if isinstance(hint, types.UnionType):
        raise TypeError(f"button fields cannot be optional: {hint}")
    raise TypeError(f"unsupported button field type {hint!r}")
