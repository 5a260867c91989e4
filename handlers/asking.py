"""A free text that is no command and no answer, offered to the school as a question.

The text waits in the ASK flow's state (server-side) while the parent decides: a button carries
no text, only the verb, so a payload stays far under Telegram's 64 bytes.
"""

from __future__ import annotations

import re

from bot.channels.base import Choice
from bot.context import Context
from bot.interactions import Button, Flow, FlowState, choice
from handlers import texts
from handlers.tickets import intake
from handlers.tickets.rules import TEXT_LIMIT

_WORD = re.compile(r"[^\W\d_]{2,}")
MIN_WORDS = 3


class Question(FlowState):
    """The parent's typed text, until they send it or not."""

    text: str


ASK = Flow("hoi", Question, cancelled=texts.ASK_DROPPED)


class SendQuestion(Button, verb="asksend", flow=ASK):
    """Files the waiting text as a Góp ý – hỏi đáp ticket."""


class DropQuestion(Button, verb="askdrop", flow=ASK):
    """Leaves the waiting text unsent."""


def looks_like_sentence(text: str) -> bool:
    """Whether a typed text reads as a question or a remark: several words of letters."""
    return len(_WORD.findall(text)) >= MIN_WORDS and len(text.strip()) >= intake.MIN_TEXT


def offer_choices() -> list[Choice]:
    """The two buttons of the offer."""
    return [choice(SendQuestion(), texts.ASK_SEND), choice(DropQuestion(), texts.ASK_KEEP)]


async def offer(ctx: Context, text: str) -> None:
    """Asks whether to send a free text to the school, keeping it in the flow's state."""
    kept = text.strip()[:TEXT_LIMIT]
    ctx.start_flow(ASK, Question(text=kept))
    shown = kept if len(kept) <= texts.ASK_SHOWN_LIMIT else kept[: texts.ASK_SHOWN_LIMIT] + "…"
    ctx.reply(texts.ASK_OFFER.format(text=shown), offer_choices())


async def send(ctx: Context, tap: SendQuestion) -> None:
    """Sends the waiting text through the ticket intake (receipt, tracking, staff alert)."""
    question = ctx.flow_state(ASK)
    if question is None:
        return
    ctx.end_flow()
    await intake.file_question(ctx, question.text)


async def drop(ctx: Context, tap: DropQuestion) -> None:
    """Forgets the waiting text."""
    ctx.end_flow()
    ctx.reply(texts.ASK_DROPPED, edit=True)
