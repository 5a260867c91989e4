"""One confirmation step for what staff cannot undo: a preview, then confirm or cancel.

The draft waits in the flow's state on the server, never in the buttons: the preview's buttons
name only what to do with it, and they act only in the flow instance they were shown in
(bot/interactions.py). Opening a wave, a ticket's result, an announcement and a news post all
go through it, so a tap on "Hủy" or on a button of an earlier preview does nothing irreversible.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.channels.base import Choice
from bot.context import Context
from bot.interactions import Flow, S


def ask_to_confirm(
    ctx: Context,
    draft: S,
    preview: str,
    confirm: Sequence[Choice],
    cancel: Choice,
    *,
    flow: Flow[S] | None = None,
    edit: bool = True,
) -> None:
    """Keeps the draft (in a new instance of `flow` when given) and shows its preview with the
    confirming buttons and the cancel button; nothing is done until one is tapped."""
    if flow is not None:
        ctx.start_flow(flow, draft)
    else:
        ctx.save_flow(draft)
    ctx.reply(preview, [*confirm, cancel], edit=edit)


def take_confirmed(ctx: Context, flow: Flow[S]) -> S | None:
    """The draft a confirming tap acts on, once: the flow ends with it, so a second tap of the
    same button (a double tap, an old preview) is stale."""
    draft = ctx.flow_state(flow)
    ctx.end_flow()
    return draft


def cancel_confirmation(ctx: Context, text: str) -> None:
    """Drops the draft and says nothing was done, in place of the preview."""
    ctx.end_flow()
    ctx.reply(text, edit=True)
