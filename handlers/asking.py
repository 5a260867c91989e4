"""A free text that is no command and no answer, offered to the school as a question.

The text waits server-side while the parent decides: outside any flow in the ASK flow's state;
inside a survey beside the survey's own state (key PENDING), so the survey stays open and its
buttons keep acting. The buttons carry no text, only their verb, and are bound to no flow (they
must act during a survey too): a tap finds the waiting text or is stale.
"""

from __future__ import annotations

import re

from bot.channels.base import Choice
from bot.context import Context
from bot.interactions import Button, Flow, FlowState, choice
from handlers import texts
from handlers.tickets import intake
from handlers.tickets.rules import TEXT_LIMIT

_WORD = re.compile(r"[^\W\d_]{2,}[.,!?…]*")  # a word of letters, maybe with punctuation after
MIN_WORDS = 3
MIN_WORDS_ANSWERING = 5


class Question(FlowState):
    """The parent's typed text, until they send it or not."""

    text: str


ASK = Flow("hoi", Question, cancelled=texts.ASK_DROPPED)
PENDING = "_question"  # the waiting text's key beside an open survey's state


class SendQuestion(Button, verb="asksend"):
    """Files the waiting text as a Góp ý – hỏi đáp ticket."""


class DropQuestion(Button, verb="askdrop"):
    """Leaves the waiting text unsent."""


def looks_like_sentence(text: str, *, answering: bool = False) -> bool:
    """Whether a typed text reads as a question or a remark: several words of letters.

    Under a question more is needed (a question mark, or five words): "hài lòng lắm" there is
    an answer the parent tried, not something to send to the school.
    """
    words = [token for token in text.split() if _WORD.fullmatch(token)]
    least = MIN_WORDS if not answering or "?" in text else MIN_WORDS_ANSWERING
    return len(words) >= least and len(text.strip()) >= intake.MIN_TEXT


def offer_choices() -> list[Choice]:
    """The two buttons of the offer."""
    return [choice(SendQuestion(), texts.ASK_SEND), choice(DropQuestion(), texts.ASK_KEEP)]


async def offer(ctx: Context, text: str) -> None:
    """Asks whether to send a free text to the school, keeping it in the flow's state."""
    kept = text.strip()[:TEXT_LIMIT]
    ctx.start_flow(ASK, Question(text=kept))
    ctx.reply(texts.ASK_NOT_UNDERSTOOD + _offer_text(kept), offer_choices())


def offer_during(ctx: Context, text: str) -> None:
    """The same offer inside an open flow (a survey): the text waits beside the flow's state."""
    kept = text.strip()[:TEXT_LIMIT]
    ctx.dialog.data = {**ctx.dialog.data, PENDING: kept}
    ctx.reply(_offer_text(kept), offer_choices())  # after the re-ask, which said it was no answer


def _offer_text(kept: str) -> str:
    """The offer, quoting the text (its start, if long)."""
    shown = kept if len(kept) <= texts.ASK_SHOWN_LIMIT else kept[: texts.ASK_SHOWN_LIMIT] + "…"
    return texts.ASK_OFFER.format(text=shown)


def _take_waiting(ctx: Context) -> str | None:
    """The waiting text, no longer waiting (None: there is none, the button is stale)."""
    question = ctx.flow_state(ASK)
    if question is not None:
        ctx.end_flow()
        return question.text
    data = dict(ctx.dialog.data)
    kept = data.pop(PENDING, None)
    ctx.dialog.data = data
    return kept if isinstance(kept, str) else None


async def send(ctx: Context, tap: SendQuestion) -> None:
    """Sends the waiting text through the ticket intake (receipt, tracking, staff alert)."""
    text = _take_waiting(ctx)
    if text is None:
        ctx.reply(texts.STALE_BUTTON)
        return
    await intake.file_question(ctx, text)
    if ctx.dialog.flow and ctx.dialog.flow != intake.FEEDBACK.name:
        ctx.reply(texts.ASK_GO_ON)  # the survey is still open at its question


async def drop(ctx: Context, tap: DropQuestion) -> None:
    """Forgets the waiting text."""
    if _take_waiting(ctx) is None:
        ctx.reply(texts.STALE_BUTTON)
        return
    ctx.reply(texts.ASK_DROPPED, edit=True)
