"""Button payloads: one strict encoding, signed per chat, bound to a flow instance."""

from __future__ import annotations

from typing import Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.base import Choice, Outbound
from bot.interactions import (
    PAYLOAD_LIMIT,
    Button,
    Buttons,
    Flow,
    FlowState,
    Signer,
    bind,
    choice,
)


class Draft(FlowState):
    step: str = ""


DRAFT = Flow("draft", Draft, cancelled="Đã dừng.")


class Answer(Button, verb="ta"):
    run: str
    question: int
    yes: bool
    mood: Literal["up", "down"]


class Send(Button, verb="tsend", flow=DRAFT):
    pass


BUTTONS = Buttons([Answer, Send])
TEXT = st.text(alphabet="abcXYZ019_-", max_size=12)


@settings(derandomize=True, max_examples=200)
@given(run=TEXT, question=st.integers(0, 10**9), yes=st.booleans(), up=st.booleans())
def test_every_button_reads_back_as_itself(run: str, question: int, yes: bool, up: bool) -> None:
    button = Answer(run, question, yes, "up" if up else "down")
    tap = BUTTONS.decode(button.encode())
    assert tap is not None and tap.button == button and tap.token == ""


@settings(derandomize=True, max_examples=300)
@given(payload=st.text(max_size=80))
def test_any_text_is_a_button_or_nothing_never_an_error(payload: str) -> None:
    tap = BUTTONS.decode(payload)
    assert tap is None or BUTTONS.decode(tap.button.encode()) == tap


@pytest.mark.parametrize(
    "payload",
    [
        "ta",  # no fields
        "ta:run:1:1",  # too few
        "ta:run:1:1:up:x",  # too many
        "ta:run:-1:1:up",  # a negative number
        "ta:run:99999999999999999999:1:up",  # more digits than any id
        "ta:run:1:2:up",  # not a bool
        "ta:run:1:1:sideways",  # not one of the literal's values
        "ta:r n:1:1:up",  # a character no field holds
        "tsend",  # a flow button without its flow's token
        "tsend~short",  # a token of the wrong shape
        "zz:1",  # an unknown verb
    ],
)
def test_a_payload_that_does_not_fit_its_type_is_no_button(payload: str) -> None:
    assert BUTTONS.decode(payload) is None


def test_a_flow_button_is_tied_to_the_flow_instance_when_shown() -> None:
    shown = bind((choice(Send(), "Gửi"), choice(Answer("r", 1, True, "up"), "Có")), "AbCd_9-z")
    assert [c.payload for c in shown] == ["tsend~AbCd_9-z", "ta:r:1:1:up"]
    tap = BUTTONS.decode(shown[0].payload)
    assert tap is not None and tap.token == "AbCd_9-z"


def test_a_payload_too_long_for_telegram_is_refused_when_written() -> None:
    with pytest.raises(ValueError, match="longer than"):
        Answer("x" * 40, 10**11, True, "down").encode()
    assert len(Answer("x" * 20, 10**11, True, "down").encode()) < PAYLOAD_LIMIT


def test_a_signature_holds_only_for_the_chat_it_was_made_for() -> None:
    signer = Signer()
    signer.use(b"k" * 32)
    message = signer.sign_for("telegram", Outbound("42", "Câu 1", (Choice("ta:r:1:1:up", "Có"),)))
    signed = message.choices[0].payload
    assert signer.open("telegram", "42", signed) == "ta:r:1:1:up"
    assert signer.open("telegram", "43", signed) is None  # another chat
    assert signer.open("zalo", "42", signed) is None  # another channel
    assert signer.open("telegram", "42", "ta:r:1:1:up") is None  # unsigned
    altered = ("A" if signed[0] != "A" else "B") + signed[1:]
    assert signer.open("telegram", "42", altered) is None  # signature altered
    assert signer.open("telegram", "42", signed.replace(":up", ":down")) is None  # payload altered
    assert signer.open("telegram", "42", "Đ" * 20) is None  # not ours at all
    other = Signer()
    other.use(b"o" * 32)
    assert other.open("telegram", "42", signed) is None  # another deployment's key


def test_two_types_cannot_share_a_verb() -> None:
    class Twin(Button, verb="ta"):
        run: str

    with pytest.raises(ValueError, match="verb 'ta'"):
        Buttons([Answer, Twin])
