"""End to end in headless Chromium: a new parent joins, consents and sends the survey on the page.

The real demo app (migrations, seed, dispatcher, outbox, web channel) runs on its own event loop in
a background thread, because Selenium's calls block; the test thread only drives the browser.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import pytest
from aiohttp import web
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import func, select

from bot.app import App
from bot.demo import build_demo
from bot.models.messages import InboundMessage, OutboxMessage
from bot.models.people import ChatAccount
from bot.models.waves import CompletionReceipt
from bot.settings import Settings
from bot.stopping import StopSignals
from handlers.demo import seed_demo
from tests.submitted import submitted_answers

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=412,915",
    "--lang=vi-VN",
)
COMMENT = "Mong nhà trường tổ chức thêm buổi gặp phụ huynh cuối tuần."
THANKS = "Cảm ơn anh/chị đã gửi phiếu"
SCALE_PICK = "5"  # "Rất hài lòng"
MAX_STEPS = 40
T = TypeVar("T")

# The page's state in one call, so no element can go stale between two reads.
STATE_JS = """
const bots = [...document.querySelectorAll('#log .msg.bot')];
const last = bots[bots.length - 1];
const ready = !!last && !last.classList.contains('waiting')
  && last.querySelector('button.choice:not(:disabled)') !== null;
return [bots.map((m) => m.dataset.id + ':' + m.dataset.edits).join('|'), ready];
"""


class LiveApp:
    """The app and its HTTP server on an event loop of their own, in a background thread."""

    def __init__(self, database: Path, port: int = 0) -> None:
        self.database = database
        self.port = port  # a restart takes the same one: the page's storage is per origin
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._serve, name="live-app", daemon=True)
        self._app: App | None = None
        self.runner: web.AppRunner | None = None
        self.url = ""

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def __enter__(self) -> LiveApp:
        self.thread.start()
        try:
            self.run(self._start())
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.run(self._stop())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)
            self.loop.close()

    async def _start(self) -> None:
        settings = Settings(
            _env_file=None,
            database_url=f"sqlite+aiosqlite:///{self.database}",
            telegram_token=None,
            zalo_token=None,
        )
        self._app = await build_demo(settings, StopSignals())  # not listening: stopped by the test
        self.runner = web.AppRunner(self._app.web, access_log=None, shutdown_timeout=2)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", self.port)
        await site.start()
        host, port = self.runner.addresses[0][:2]
        self.url = f"http://{host}:{port}/"
        await self._app.start(scheduler=False)

    async def _stop(self) -> None:
        if self._app is not None:
            await self._app.stop()
        if self.runner is not None:
            await self.runner.cleanup()
        await self.loop.shutdown_asyncgens()
        await self.loop.shutdown_default_executor()

    @property
    def app(self) -> App:
        assert self._app is not None, "not started"
        return self._app


def wait(
    driver: webdriver.Chrome, until: Callable[[webdriver.Chrome], T], seconds: float = 10
) -> T:
    result: T = WebDriverWait(driver, seconds, poll_frequency=0.05).until(until)
    return result


def answered(driver: webdriver.Chrome, action: Callable[[], None]) -> WebElement:
    """Does `action`, then waits until our answer has arrived and offers buttons again."""
    before = driver.execute_script(STATE_JS)[0]

    def settled(d: webdriver.Chrome) -> bool:
        snapshot, ready = d.execute_script(STATE_JS)
        return bool(snapshot != before and ready)

    action()
    wait(driver, settled)
    return last_bot_message(driver)


def last_bot_message(driver: webdriver.Chrome) -> WebElement:
    return driver.find_elements(By.CSS_SELECTOR, "#log .msg.bot")[-1]


def buttons(message: WebElement) -> list[WebElement]:
    return message.find_elements(By.CSS_SELECTOR, "button.choice[data-payload]")


def button(message: WebElement, label: str) -> WebElement:
    found = [b for b in buttons(message) if b.text == label]
    assert found, f"no button {label!r} in {[b.text for b in buttons(message)]}"
    return found[0]


def tap_in_page(driver: webdriver.Chrome, target: WebElement) -> bool:
    """Clicks in the page itself; True if all the message's buttons were disabled right after."""
    disabled = driver.execute_script(
        "arguments[0].click();"
        "return [...arguments[0].closest('.msg').querySelectorAll('button.choice')]"
        ".every((b) => b.disabled);",
        target,
    )
    return bool(disabled)


def type_and_send(driver: webdriver.Chrome, text: str) -> None:
    box = driver.find_element(By.ID, "text")
    box.send_keys(text)
    box.send_keys(Keys.ENTER)


def answer_question(driver: webdriver.Chrome, question: WebElement, shots: Path) -> WebElement:
    """Answers the question shown in `question` by tapping (or typing), returns what came next."""
    choices = buttons(question)
    if any(b.text == "Xong" for b in choices):  # a multiple choice: tick three, then "Xong"
        driver.save_screenshot(str(shots / "playground-multi.png"))
        for _ in range(3):
            unticked = [b for b in buttons(question) if not b.text.startswith("✓")]
            question = answered(driver, unticked[0].click)
        assert sum(b.text.startswith("✓") for b in buttons(question)) == 3
        return answered(driver, button(question, "Xong").click)
    if "(Anh/chị gõ câu trả lời.)" in question.text:
        return answered(driver, lambda: type_and_send(driver, COMMENT))
    keys = {b.get_attribute("data-key"): b for b in choices}
    pick = keys.get(SCALE_PICK) or keys["1"]  # the first of a choice: "Có", "Bố", …
    return answered(driver, pick.click)


def test_a_new_parent_joins_consents_and_sends_the_survey(
    live: LiveApp, browser: webdriver.Chrome, tmp_path: Path
) -> None:
    app = live.app
    demo = live.run(_seeded(app))
    class_code = demo.class_codes["Lá 1"]
    responses_before, receipts_before = live.run(_totals(app))

    browser.get(live.url)
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '#persona option[value="new"]'))
    Select(browser.find_element(By.ID, "persona")).select_by_value("new")
    log = browser.find_element(By.ID, "log")
    chat_id = wait(browser, lambda d: log.get_attribute("data-chat-id") or "")
    assert chat_id.startswith("web-new-")
    wait(browser, lambda d: d.find_element(By.ID, "empty").is_displayed())

    confirm = answered(browser, lambda: type_and_send(browser, class_code))
    disabled_after_click: list[bool] = []
    assert "Lá 1" in confirm.text
    yes = button(confirm, "Đúng lớp")
    # clicked and inspected in one script: the buttons are disabled before any answer can come
    consent = answered(browser, lambda: disabled_after_click.append(tap_in_page(browser, yes)))
    assert disabled_after_click == [True]
    asked_ids = []
    for number in (1, 2, 3):
        assert f"{number}/3." in consent.text
        asked_ids.append(consent.get_attribute("data-id"))
        consent = answered(browser, button(consent, "Tôi đồng ý").click)
    # each consent text stays in the chat with the choice marked, without its buttons
    for asked_id in asked_ids:
        kept = browser.find_element(By.CSS_SELECTOR, f'#log .msg.bot[data-id="{asked_id}"]')
        assert kept.text.endswith("→ Đồng ý") and not buttons(kept), kept.text

    start = [b for b in buttons(consent) if b.text.startswith("Bắt đầu")]
    assert len(start) == 1, consent.text
    step = answered(browser, start[0].click)
    for _ in range(MAX_STEPS):
        if "xem lại câu trả lời" in step.text:
            break
        assert step.text.startswith("Câu "), step.text
        step = answer_question(browser, step, tmp_path)
    else:
        pytest.fail("the survey never reached its review")
    assert COMMENT in step.text

    button(step, "Gửi phiếu").click()
    thanks = wait(
        browser,
        lambda d: [
            m for m in d.find_elements(By.CSS_SELECTOR, "#log .msg.bot") if THANKS in m.text
        ],
    )
    assert len(thanks) == 1
    mine = [m.text for m in browser.find_elements(By.CSS_SELECTOR, "#log .msg.me")]
    assert mine[:2] == [class_code, "Đúng lớp"] and mine[-1] == "Gửi phiếu"
    browser.save_screenshot(str(tmp_path / "playground.png"))

    responses, receipts, mine_receipts, comments, failures = live.run(_outcome(app, chat_id))
    assert (responses, receipts) == (responses_before + 1, receipts_before + 1)
    assert mine_receipts == 1
    assert comments == [COMMENT]  # the seeded answers have no comments
    assert failures == 0


async def _seeded(app: App) -> Any:
    async with app.db.transaction() as session:
        services = app.services
        return await seed_demo(session, services.catalog, services.clock.now(), services.settings)


async def _totals(app: App) -> tuple[int, int]:
    """Questionnaires sent (waiting to be released, or released) and receipts."""
    async with app.db.sessions() as session:
        responses = len(await submitted_answers(session))
        receipts = await session.scalar(select(func.count()).select_from(CompletionReceipt))
    return responses, int(receipts or 0)


async def _outcome(app: App, chat_id: str) -> tuple[int, int, int, list[str], int]:
    """Totals, the parent's receipts, the stored comments, and failed inbound or outbox rows."""
    await app.settle()
    responses, receipts = await _totals(app)
    async with app.db.sessions() as session:
        mine = await session.scalar(
            select(func.count())
            .select_from(CompletionReceipt)
            .join(ChatAccount, ChatAccount.person_id == CompletionReceipt.person_id)
            .where(ChatAccount.channel == "web", ChatAccount.chat_id == chat_id)
        )
        sent = await submitted_answers(session)
        comments = [answers["comment"] for answers in sent if "comment" in answers]
        failed_in = await session.scalar(
            select(func.count())
            .select_from(InboundMessage)
            .where(InboundMessage.status != "handled")
        )
        failed_out = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            # an invitation to a parent who had answered already is skipped, not failed
            .where(OutboxMessage.status.not_in(["sent", "skipped"]))
        )
    return responses, receipts, int(mine or 0), comments, int(failed_in or 0) + int(failed_out or 0)


def test_the_zalo_view_shows_numbered_choices_answered_by_typing(
    live: LiveApp, browser: webdriver.Chrome, tmp_path: Path
) -> None:
    class_code = live.run(_seeded(live.app)).class_codes["Lá 1"]
    browser.get(live.url)
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '#persona option[value="new"]'))
    Select(browser.find_element(By.ID, "persona")).select_by_value("new")
    Select(browser.find_element(By.ID, "view")).select_by_value("zalo")
    assert "không có nút bấm" in browser.find_element(By.ID, "note").text

    def typed(text: str, until: str) -> WebElement:
        """Types like on Zalo and waits for a new message whose list or text has `until`."""
        before = len(browser.find_elements(By.CSS_SELECTOR, "#log .msg.bot"))
        type_and_send(browser, text)
        wait(
            browser,
            lambda d: (
                len(found := d.find_elements(By.CSS_SELECTOR, "#log .msg.bot")) > before
                and until in found[-1].text
            ),
        )
        return last_bot_message(browser)

    confirm = typed(class_code, "Trả lời 1–2")
    assert "1. Đúng lớp\n2. Không phải" in confirm.text
    for _ in range(3):
        typed("1", "Trả lời 1–2")  # "Đúng lớp", then "Tôi đồng ý" twice
    started = typed("1", "Bắt đầu")
    assert "1. Bắt đầu: " in started.text
    question = typed("1", "Trả lời")
    assert question.text.startswith("Câu 1/") and "2. Mẹ" in question.text
    following = typed("2", "Câu 2/")
    browser.save_screenshot(str(tmp_path / "playground-zalo.png"))
    assert browser.find_elements(By.CSS_SELECTOR, "#log button.choice") == []
    # the first question is still on screen: Zalo cannot edit it into the second
    bots = [m.text for m in browser.find_elements(By.CSS_SELECTOR, "#log .msg.bot")]
    assert any(t.startswith("Câu 1/") for t in bots) and following.text.startswith("Câu 2/")

    Select(browser.find_element(By.ID, "view")).select_by_value("buttons")
    # the log is empty until the other view's first answer comes
    wait(
        browser,
        lambda d: (bots := d.find_elements(By.CSS_SELECTOR, "#log .msg.bot")) and buttons(bots[-1]),
    )
    assert last_bot_message(browser).text.startswith("Câu 2/")
