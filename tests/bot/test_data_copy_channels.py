"""A copy of one's data (/dulieu → "Nhận bản sao dữ liệu") through the real channels over loopback:
on Telegram two documents are uploaded (read back from the fake Bot API), on the web playground
both files download, on Zalo, which carries no files, the readable copy arrives as messages and
the JSON is said to be on the other apps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.settings import Settings
from handlers import texts
from tests.bot.test_channel_parity import join_and_consent
from tests.factories import make_school
from tests.fakes.telegram_api import Upload
from tests.phones import Deployment, TelegramPhone, WebPhone, ZaloPhone, phone_on

SCHOOL = "Trường Mầm non MN-TEST"


@pytest.fixture
def settings(clean_database: str, tmp_path: Path) -> Settings:
    return Settings(database_url=clean_database, reports_dir=tmp_path / "reports", _env_file=None)


async def ask_for_a_copy(deployment: Deployment, channel: str) -> Any:
    setup = await make_school(deployment.app)
    parent = phone_on(deployment, channel)
    await join_and_consent(parent, setup.classes["Lá 1"].invite_code)
    await parent.says("/dulieu")
    await parent.chooses(texts.SEND_MY_COPY)
    return parent


async def test_on_telegram_both_files_are_uploaded_as_documents(deployment: Deployment) -> None:
    parent = await ask_for_a_copy(deployment, "telegram")
    assert isinstance(parent, TelegramPhone)
    uploads = [call.params for call in deployment.telegram_api.calls_of("sendDocument")]
    files = {p["document"].filename: p for p in uploads if isinstance(p["document"], Upload)}
    assert set(files) == {"du-lieu-cua-toi.txt", "du-lieu-cua-toi.json"}
    readable = files["du-lieu-cua-toi.txt"]["document"].data.decode("utf-8")
    data = json.loads(files["du-lieu-cua-toi.json"]["document"].data)
    assert files["du-lieu-cua-toi.txt"]["caption"].startswith("Bản sao dữ liệu của anh/chị")
    assert "Tên: Lan (lưu từ 23/11/2026)" in readable and f"Lá 1 – {SCHOOL}" in readable
    assert data["person"]["name"] == "Lan"
    assert data["chat_accounts"][0]["app"] == "Telegram"
    assert [c["purpose"] for c in data["consents"]] == ["surveys", "news", "feedback"]


async def test_on_the_web_both_files_download(deployment: Deployment) -> None:
    parent = await ask_for_a_copy(deployment, "web")
    assert isinstance(parent, WebPhone)
    shown = await deployment.get(f"/api/messages?chat_id={parent.chat_id}&since=-1")
    files = {m["file"]["name"]: m["file"]["url"] for m in shown["messages"] if m.get("file")}
    assert set(files) == {"du-lieu-cua-toi.txt", "du-lieu-cua-toi.json"}
    async with deployment.http.get(deployment.base + files["du-lieu-cua-toi.json"]) as response:
        assert response.status == 200
        data = json.loads(await response.read())
    assert data["roles"][0] == {
        "role": "parent", "school": SCHOOL, "class": "Lá 1", "since": data["person"]["since"],
    }  # fmt: skip


async def test_on_zalo_the_readable_copy_comes_as_messages(deployment: Deployment) -> None:
    parent = await ask_for_a_copy(deployment, "zalo")
    assert isinstance(parent, ZaloPhone)
    said = [bubble.text for bubble in await parent.screen()]
    start = said.index(texts.MY_COPY_COMING)
    after = "\n".join(said[start + 1 :])
    assert after.startswith(texts.MY_COPY_TEXT_CAPTION.format(date="23/11/2026"))
    assert texts.MY_COPY_TITLE in after and f"Lá 1 – {SCHOOL}" in after
    assert "THÔNG BÁO XỬ LÝ DỮ LIỆU CÁ NHÂN" in after  # the notice, at the end of the copy
    assert after.endswith(texts.MY_COPY_JSON_CAPTION + "\n\n" + texts.MY_COPY_JSON_ELSEWHERE)
    assert all(len(text) <= 2000 for text in said)  # cut to what Zalo takes
    assert "/baocao" not in after  # not the reports' note
