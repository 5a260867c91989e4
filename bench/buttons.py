"""Taps as a platform would deliver them: the survey's start button, signed for each chat."""

from __future__ import annotations

from bot.channels.base import Choice, Outbound
from bot.interactions import Signer
from bot.keys import configured_key
from handlers.waves import StartSurvey

KEY = "bench-button-key"  # HAILONG_BUTTON_KEY of the bot under test


def signer_for(key: str = KEY) -> Signer:
    signer = Signer()
    signer.use(configured_key(key))
    return signer


def opening(signer: Signer, channel: str, chat_id: str, wave_id: int) -> str:
    """The start button of `wave_id` as the app would have shown it in this chat."""
    shown = Outbound(chat_id, "", (Choice(StartSurvey(wave_id).encode(), ""),))
    return signer.sign_for(channel, shown).choices[0].payload
