"""A question kind defined in a test module (tests/surveys/kinds_nps.py) works in a real chat.

Nothing of the app knows the 0–10 kind: the module registers it, a survey file in a folder of
HAILONG_SURVEY_DIRS uses it, and a parent answers it by tapping and by typing, reviews it and sends
it, through the real dispatcher, engine, handler and database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import App, create_app
from bot.channels.memory import MemoryChannel
from bot.clock import FixedClock
from bot.settings import Settings
from handlers import texts
from tests.chat import ChatUser
from tests.factories import make_school, open_wave
from tests.handlers.test_survey_conversation import join_and_consent
from tests.submitted import submitted_answers
from tests.surveys.kinds_nps import NPS_HINT
from tests.surveys.test_new_kind import YAML


@pytest.fixture
async def app_with_nps(
    settings: Settings, memory: MemoryChannel, clock: FixedClock, tmp_path: Path
) -> AsyncIterator[App]:
    folder = tmp_path / "surveys"
    folder.mkdir()
    (folder / "recommend.v1.yaml").write_text(YAML, encoding="utf-8")
    with_nps = settings.model_copy(update={"survey_dirs": [folder]})
    application = create_app(with_nps, channels=[memory], clock=clock, jobs=[])
    await application.start(scheduler=False, sender=False)
    yield application
    await application.stop()


async def test_a_parent_answers_a_new_kind_by_tap_and_by_typing(
    app_with_nps: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    app = app_with_nps
    setup = await make_school(app)
    await open_wave(app, setup, survey_key="recommend")
    parent = ChatUser(app, memory, clock, "3001")
    await join_and_consent(parent, setup)
    await parent.taps("Bắt đầu")
    await parent.taps("Hài lòng")

    assert (
        parent.last_reply
        == f"Câu 2/2. Anh/chị có giới thiệu trường cho người quen không?\n{NPS_HINT}"
    )
    assert parent.choices == [str(level) for level in range(11)]
    await parent.taps("3")  # a low level shows the follow-up question
    assert parent.last_reply.startswith("Câu 3/3. Vì sao")
    await parent.says("/huy")
    await parent.says("/khaosat")
    await parent.taps(texts.SURVEY_RESUME)
    assert parent.last_reply.startswith("Câu 3/3.")
    await parent.says("Trường xa nhà quá.")
    assert parent.last_reply.startswith(texts.REVIEW)
    assert "→ 3" in parent.last_reply
    await parent.taps(texts.CHANGE)
    await parent.taps("2")
    await parent.says("9")  # typed: the level, not the ninth button
    assert parent.last_reply.startswith(texts.REVIEW)
    assert "→ 9" in parent.last_reply and "Vì sao" not in parent.last_reply
    await parent.taps(texts.SUBMIT)
    assert parent.last_reply == texts.SUBMITTED

    async with app.db.sessions() as session:
        assert await submitted_answers(session) == [{"overall": "4", "recommend": "9"}]
