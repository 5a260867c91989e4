"""Transcript helpers: a person talking to the real app through the memory channel."""

from __future__ import annotations

from dataclasses import replace

from bot.app import App
from bot.channels.base import Choice, Outbound
from bot.channels.memory import MemoryChannel, Shown, inbound_from
from bot.clock import FixedClock
from bot.interactions import Button


class ChatUser:
    """One person in a private chat; every call waits until the app has answered."""

    def __init__(self, app: App, channel: MemoryChannel, clock: FixedClock, chat_id: str) -> None:
        self.app, self.channel, self.clock, self.chat_id = app, channel, clock, chat_id

    @property
    def messages(self) -> list[Shown]:
        return self.channel.chats.get(self.chat_id, [])

    @property
    def last_reply(self) -> str:
        return self.messages[-1].text if self.messages else ""

    @property
    def choices(self) -> list[str]:
        """Labels of the buttons under the newest message that has buttons."""
        for message in reversed(self.messages):
            if message.choices:
                return [c.label for c in message.choices]
        return []

    async def says(self, text: str) -> None:
        await self._deliver(inbound_from(self.channel, self.chat_id, self.clock.now(), text=text))

    async def sends_photo(self, media: str | None = None) -> None:
        """Sends a photo; `media` is the platform's file id or URL of it."""
        inbound = inbound_from(self.channel, self.chat_id, self.clock.now(), kind="photo")
        await self._deliver(replace(inbound, media=media))

    async def taps(self, label: str, *, message: Shown | None = None) -> None:
        """Taps the button whose label starts with `label` (on the newest message by default)."""
        target, choice = self._find(label, message)
        inbound = inbound_from(
            self.channel,
            self.chat_id,
            self.clock.now(),
            choice=choice.payload,
            message_id=target.message_id,
        )
        await self._deliver(inbound)

    async def taps_payload(self, payload: str, message_id: str | None = None) -> None:
        """Sends callback data as it is: a payload the app did not sign (a forgery, or garbage)."""
        inbound = inbound_from(
            self.channel, self.chat_id, self.clock.now(), choice=payload, message_id=message_id
        )
        await self._deliver(inbound)

    async def taps_signed(self, payload: str, message_id: str | None = None) -> None:
        """Taps a payload the app signs for this chat, as if it had been shown here.

        For a deliberate forgery that passes the signature, so the handler's own checks are tested.
        """
        signed = sign_for(self.app, self.channel.name, self.chat_id, payload)
        await self.taps_payload(signed, message_id)

    async def taps_forged(self, button: Button) -> None:
        """Taps a button never shown here, yet signed for this chat and, for a flow's button,
        bound to the flow shown here last: only the handler's own checks stand in its way."""
        payload = button.encode()
        if type(button).flow is not None:
            payload += "~" + self.flow_token
        await self.taps_signed(payload)

    @property
    def flow_token(self) -> str:
        """The flow token of the newest flow button shown in this chat ("" if none)."""
        for message in reversed(self.messages):
            for shown in message.choices:
                if "~" in shown.payload:
                    return shown.payload.rpartition("~")[2]
        return ""

    def button(self, label: str) -> tuple[Shown, Choice]:
        return self._find(label, None)

    def _find(self, label: str, message: Shown | None) -> tuple[Shown, Choice]:
        candidates = [message] if message else [m for m in reversed(self.messages) if m.choices]
        for shown in candidates[:1]:
            for choice in shown.choices:
                if choice.label.startswith(label):
                    return shown, choice
        labels = [c.label for c in candidates[0].choices] if candidates else []
        raise AssertionError(f"no button {label!r} in {labels}")

    async def _deliver(self, inbound: object) -> None:
        await self.channel.deliver(inbound)  # type: ignore[arg-type]
        await self.app.settle()


def sign_for(app: App, channel: str, chat_id: str, payload: str) -> str:
    """`payload` signed by the app for one chat, as the sender signs what it shows there."""
    signed = app.signer.sign_for(channel, Outbound(chat_id, "", choices=(Choice(payload, ""),)))
    return signed.choices[0].payload
