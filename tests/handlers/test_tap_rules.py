"""Every tap means what the parent sees, on Telegram, Zalo and the web playground alike.

The rules (surveys/step.py): a tap on the question being asked answers it; a tap with another
value on an earlier question asks to confirm the change; a repeated tap changes and sends
nothing; after the form is sent, every tap says so; a button of a closed wave says it is closed.
Zalo has no buttons: a parent types the number of the list under the newest message, so on Zalo
there is no "older message" to tap, and a typed reply always answers the question on screen.
The rules are the engine's, the same for every version of a survey; these walk a wave of
version 1 of the preschool questionnaire, whose first questions are scale items.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.models.waves import DraftAnswer
from handlers import texts
from surveys import labels
from tests.bot.test_channel_parity import answer_until_review, join_and_consent
from tests.factories import make_school, open_wave
from tests.phones import Deployment, Phone, TelegramPhone, WebPhone, last_reply, phone_on

ALL = pytest.mark.parametrize("channel", ["telegram", "zalo", "web"])
WITH_BUTTONS = pytest.mark.parametrize("channel", ["telegram", "web"])


async def started(deployment: Deployment, channel: str) -> Phone:
    """A parent of Lá 1 who has consented and opened the open wave at question 1."""
    setup = await make_school(deployment.app)
    await open_wave(deployment.app, setup, version=1)
    parent = phone_on(deployment, channel)
    await join_and_consent(parent, setup.classes["Lá 1"].invite_code)
    await parent.chooses(texts.SURVEY_START)
    assert (await last_reply(parent)).startswith("Câu 1/")
    return parent


def tapper(parent: Phone) -> TelegramPhone | WebPhone:
    assert isinstance(parent, TelegramPhone | WebPhone)
    return parent


async def drafts(deployment: Deployment) -> dict[str, str]:
    async with deployment.app.db.sessions() as session:
        rows = await session.execute(select(DraftAnswer.question_key, DraftAnswer.value))
        return {key: value for key, value in rows}


@ALL
async def test_a_tap_on_the_question_asked_answers_it(deployment: Deployment, channel: str) -> None:
    parent = await started(deployment, channel)
    await parent.chooses("Hài lòng")
    assert (await last_reply(parent)).startswith("Câu 2/")
    assert await drafts(deployment) == {"tc_cong_khai": "4"}


@WITH_BUTTONS
@pytest.mark.parametrize("confirmed", [True, False])
async def test_a_tap_on_an_earlier_question_asks_before_changing_it(
    deployment: Deployment, channel: str, confirmed: bool
) -> None:
    """The issue's reproduction: typed `2` on question 1, then its old "Rất hài lòng" tapped."""
    parent = tapper(await started(deployment, channel))
    await parent.says("2")
    await parent.chooses("Hài lòng")
    assert (await last_reply(parent)).startswith("Câu 3/")

    await parent.taps("Rất hài lòng", on="Câu 1/")
    question = texts.CONFIRM_CHANGE.format(number=1, old="Không hài lòng", new="Rất hài lòng")
    assert await last_reply(parent) == question
    assert (await drafts(deployment))["tc_cong_khai"] == "2"  # nothing changed silently

    answer = labels.CONFIRM_YES_LABEL if confirmed else labels.CONFIRM_NO_LABEL
    await parent.taps(answer, on=question)
    said = texts.CHANGE_MADE.format(number=1, new="Rất hài lòng")
    note = said if confirmed else texts.CHANGE_KEPT.format(number=1)
    assert (await last_reply(parent)).startswith(f"{note}\n\nCâu 3/")  # back where it was
    assert (await drafts(deployment))["tc_cong_khai"] == ("5" if confirmed else "2")


@WITH_BUTTONS
async def test_a_double_tap_sends_the_next_question_once(
    deployment: Deployment, channel: str
) -> None:
    parent = tapper(await started(deployment, channel))
    await parent.taps("Hài lòng", times=2)
    screen = await parent.screen()
    assert [b.text for b in screen].count(screen[-1].text) == 1
    assert screen[-1].text.startswith("Câu 2/")
    assert await drafts(deployment) == {"tc_cong_khai": "4"}


@WITH_BUTTONS
async def test_a_tap_repeating_an_answer_already_moved_past_changes_and_sends_nothing(
    deployment: Deployment, channel: str
) -> None:
    parent = tapper(await started(deployment, channel))
    await parent.says("4")  # typed: question 1's message keeps its buttons
    await parent.chooses("Bình thường")
    before = await parent.screen()
    await parent.taps("Hài lòng", on="Câu 1/")
    assert await parent.screen() == before
    assert await drafts(deployment) == {"tc_cong_khai": "4", "tc_thu_tuc": "3"}


@WITH_BUTTONS
async def test_every_tap_after_sending_says_the_form_was_sent(
    deployment: Deployment, channel: str
) -> None:
    parent = tapper(await started(deployment, channel))
    await parent.says("4")  # question 1's message keeps its buttons
    await answer_until_review(parent)
    await parent.chooses(texts.SUBMIT)
    assert await last_reply(parent) == texts.SUBMITTED
    await parent.taps("Rất hài lòng", on="Câu 1/")
    assert await last_reply(parent) == texts.ALREADY_SUBMITTED
    assert await drafts(deployment) == {}


@ALL
async def test_a_button_of_a_closed_wave_says_it_is_closed(
    deployment: Deployment, channel: str
) -> None:
    parent = await started(deployment, channel)
    deployment.clock.advance(days=15)
    await parent.chooses("Hài lòng")  # on Zalo: the number typed
    assert await last_reply(parent) == texts.WAVE_CLOSED
    assert await drafts(deployment) == {}


@ALL
async def test_a_typed_reply_answers_the_question_on_screen(
    deployment: Deployment, channel: str
) -> None:
    parent = await started(deployment, channel)
    await parent.says("4")
    await parent.says("4")  # the same words again answer question 2, which is now on screen
    assert (await last_reply(parent)).startswith("Câu 3/")
    assert await drafts(deployment) == {"tc_cong_khai": "4", "tc_thu_tuc": "4"}


@ALL
async def test_a_change_from_the_review_needs_no_confirmation(
    deployment: Deployment, channel: str
) -> None:
    parent = await started(deployment, channel)
    await answer_until_review(parent)
    await parent.chooses(texts.CHANGE)
    await parent.chooses("1")
    await parent.chooses("Rất hài lòng")
    assert (await last_reply(parent)).startswith(texts.REVIEW)
    assert (await drafts(deployment))["tc_cong_khai"] == "5"
