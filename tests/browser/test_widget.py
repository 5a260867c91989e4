"""The web chat as a phone-sized widget in headless Chromium: it fits 390 and 320 px without
sideways scrolling, keeps its history across a restart, works by keyboard alone and takes a photo
for a ticket, offered only where one is asked for. Screenshots go to $HAILONG_SHOTS (default: the
test's temporary folder)."""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.select import Select
from sqlalchemy import select

from bot.app import App
from bot.models.tickets import Ticket
from handlers import texts
from handlers.demo import WARD_OFFICER
from tests.browser.test_playground import (
    COMMENT,
    MAX_STEPS,
    THANKS,
    LiveApp,
    _seeded,
    answered,
    button,
    buttons,
    last_bot_message,
    type_and_send,
    wait,
)

pytestmark = pytest.mark.browser

SIZES = {"390x844": (390, 844), "320x640": (320, 640)}

# every element's right edge, and the page's own scroll width, within the viewport
OVERFLOW_JS = """
const width = document.documentElement.clientWidth;
const wide = [...document.querySelectorAll('body *')]
  .filter((el) => el.getClientRects().length && el.getBoundingClientRect().right > width + 0.5)
  .map((el) => `${el.tagName.toLowerCase()}#${el.id}.${el.className}: `
    + `${Math.round(el.getBoundingClientRect().right)}`);
return [document.documentElement.scrollWidth, width, wide];
"""
# the visible buttons smaller than 44 px either way
SMALL_TARGETS_JS = """
return [...document.querySelectorAll('button, select, textarea')]
  .filter((el) => el.getClientRects().length)
  .map((el) => [el.id || el.textContent.trim().slice(0, 20), el.getBoundingClientRect()])
  .filter(([, r]) => r.width < 43.5 || r.height < 43.5)
  .map(([name, r]) => `${name}: ${Math.round(r.width)}x${Math.round(r.height)}`);
"""


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("HAILONG_SHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def sized(browser: webdriver.Chrome, request: pytest.FixtureRequest) -> webdriver.Chrome:
    """The browser with the page's viewport at the size the test is parametrised with."""
    width, height = SIZES[request.param]
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True},
    )
    return browser


def assert_fits(driver: webdriver.Chrome) -> None:
    scroll_width, width, wide = driver.execute_script(OVERFLOW_JS)
    assert scroll_width <= width, wide
    assert wide == []


def new_parent(driver: webdriver.Chrome, url: str) -> str:
    driver.get(url)
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, '#persona option[value="new"]'))
    Select(driver.find_element(By.ID, "persona")).select_by_value("new")
    log = driver.find_element(By.ID, "log")
    chat_id: str = wait(driver, lambda d: log.get_attribute("data-chat-id") or "")
    return chat_id


def join(driver: webdriver.Chrome, class_code: str) -> WebElement:
    """Types the class code and confirms the class: the first consent text comes back."""
    confirm = answered(driver, lambda: type_and_send(driver, class_code))
    return answered(driver, button(confirm, "Đúng lớp").click)


def bubbles(driver: webdriver.Chrome) -> list[tuple[str, str]]:
    found: list[list[str]] = driver.execute_script(
        "return [...document.querySelectorAll('#log .msg')]"
        ".map((m) => [m.classList.contains('me') ? 'me' : 'bot', m.innerText]);"
    )
    return [(sender, text) for sender, text in found]


@pytest.mark.parametrize("sized", list(SIZES), indirect=True)
def test_the_parent_flow_fits_the_phone_with_44_px_targets(
    live: LiveApp, sized: webdriver.Chrome, shots: Path, request: pytest.FixtureRequest
) -> None:
    size = request.node.callspec.params["sized"]
    class_code = live.run(_seeded(live.app)).class_codes["Lá 1"]
    new_parent(sized, live.url)
    wait(sized, lambda d: d.find_element(By.ID, "empty").is_displayed())
    assert_fits(sized)
    sized.save_screenshot(str(shots / f"web-{size}-1-empty.png"))
    consent = join(sized, class_code)
    assert_fits(sized)
    assert sized.execute_script(SMALL_TARGETS_JS) == []
    sized.save_screenshot(str(shots / f"web-{size}-2-consent.png"))
    for _ in range(3):
        consent = answered(sized, button(consent, "Tôi đồng ý").click)
    start = [b for b in buttons(consent) if b.text.startswith("Bắt đầu")]
    question = answered(sized, start[0].click)
    assert question.text.startswith("Câu 1/")
    assert_fits(sized)
    assert sized.execute_script(SMALL_TARGETS_JS) == []
    sized.save_screenshot(str(shots / f"web-{size}-3-question.png"))


def test_the_history_survives_a_restart_and_a_joined_parent_is_not_asked_again(
    browser: webdriver.Chrome, tmp_path: Path
) -> None:
    database = tmp_path / "playground.db"
    with LiveApp(database) as first:
        class_code = live_code(first.app, first)
        new_parent(browser, first.url)
        consent = join(browser, class_code)
        answered(browser, button(consent, "Tôi đồng ý").click)
        before = bubbles(browser)
        last_buttons = [b.text for b in buttons(last_bot_message(browser))]
    assert before[0] == ("me", class_code) and len(before) >= 4
    with LiveApp(database, port=int(first.url.rsplit(":", 1)[1].strip("/"))) as second:
        browser.get(second.url)
        wait(browser, lambda d: len(bubbles(d)) >= len(before))
        assert bubbles(browser) == before
        assert not browser.find_element(By.ID, "empty").is_displayed()
        again = last_bot_message(browser)
        assert [b.text for b in buttons(again)] == last_buttons
        # the buttons kept from before the restart still work
        following = answered(browser, button(again, "Tôi đồng ý").click)
        assert following.text != again.text or following.get_attribute("data-edits") != "0"


def live_code(app: App, live: LiveApp) -> str:
    code: str = live.run(_seeded(app)).class_codes["Lá 1"]
    return code


def focused_label(driver: webdriver.Chrome) -> str:
    label: str = driver.execute_script(
        "const a = document.activeElement;"
        "return a && a.matches('#log .msg.bot:last-of-type button.choice, #log button.choice')"
        " ? a.textContent : (a ? '#' + a.id : '');"
    )
    return label


def photo_offered(driver: webdriver.Chrome) -> bool:
    return bool(driver.find_element(By.ID, "attach").is_displayed())


def press(driver: webdriver.Chrome, *keys: str) -> None:
    driver.switch_to.active_element.send_keys(*keys)


def tab_to(driver: webdriver.Chrome, label: str) -> None:
    """Tabs forward until the focused button is `label`."""
    for _ in range(40):
        if focused_label(driver).startswith(label):
            return
        press(driver, Keys.TAB)
    pytest.fail(f"Tab never reached {label!r}; at {focused_label(driver)!r}")


SKIP = "Bỏ qua"
WAYS_OUT = {SKIP, "Hủy", "Trợ giúp"}


@pytest.mark.parametrize("sized", ["390x844"], indirect=True)
def test_a_survey_by_keyboard_only(live: LiveApp, sized: webdriver.Chrome, shots: Path) -> None:
    """The focus lands where the next answer is given: the first real choice of a choice question,
    the text box for a typed one, never a way out ("Bỏ qua")."""
    browser = sized
    class_code = live.run(_seeded(live.app)).class_codes["Lá 1"]
    new_parent(browser, live.url)
    browser.find_element(By.ID, "text").click()  # the one pointer use: into the text box
    answered(browser, lambda: press(browser, class_code, Keys.ENTER))
    assert focused_label(browser) == "Đúng lớp"  # the focus moved to the new question
    step = answered(browser, lambda: press(browser, Keys.ENTER))
    for _ in range(3):
        tab_to(browser, "Tôi đồng ý")
        step = answered(browser, lambda: press(browser, " "))
    tab_to(browser, "Bắt đầu")
    step = answered(browser, lambda: press(browser, Keys.ENTER))
    seen = {"typed": 0, "choice": 0}
    for _ in range(MAX_STEPS):
        if "xem lại câu trả lời" in step.text:
            break
        labels = [b.text for b in buttons(step)]
        answers = [label for label in labels if label not in WAYS_OUT]
        if "(Anh/chị gõ câu trả lời.)" in step.text:
            assert labels == [SKIP]
            assert focused_label(browser) == "#text"  # typing goes straight on
            seen["typed"] += 1
            step = answered(browser, lambda: press(browser, COMMENT, Keys.ENTER))
        elif "Xong" in labels:
            assert focused_label(browser) == answers[0]
            seen["choice"] += 1
            step = answered(browser, lambda: press(browser, " "))  # ticks the first
            tab_to(browser, "Xong")
            step = answered(browser, lambda: press(browser, Keys.ENTER))
        else:
            assert focused_label(browser) == answers[0], (focused_label(browser), labels)
            seen["choice"] += 1
            step = answered(browser, lambda: press(browser, Keys.ENTER))
    else:
        pytest.fail("the survey never reached its review")
    assert seen["typed"] >= 1 and seen["choice"] >= 10, seen
    assert focused_label(browser) == "Gửi phiếu"
    press(browser, Keys.ENTER)
    wait(browser, lambda d: any(THANKS in text for _, text in bubbles(d)))
    browser.save_screenshot(str(shots / "web-keyboard-done.png"))


@pytest.mark.parametrize("sized", ["390x844"], indirect=True)
def test_a_step_that_asks_for_typing_puts_the_focus_in_the_text_box(
    live: LiveApp, sized: webdriver.Chrome
) -> None:
    """A principal's announcement: its text step offers two side roads, yet the focus goes to the
    text box; the next step's focus goes to its first answer."""
    live.run(_seeded(live.app))
    sized.get(live.url)
    principal = '#persona option[value="web-principal"]'
    wait(sized, lambda d: d.find_elements(By.CSS_SELECTOR, principal))
    Select(sized.find_element(By.ID, "persona")).select_by_value("web-principal")
    wait(sized, lambda d: d.find_element(By.ID, "log").get_attribute("data-chat-id"))
    ask = answered(sized, lambda: type_and_send(sized, "/thongbao"))
    assert [b.text for b in buttons(ask)] == ["Thông báo, tin đã gửi", "Liên kết nhóm lớp"]
    assert focused_label(sized) == "#text"
    assert photo_offered(sized)  # the text may come with a photo
    following = answered(sized, lambda: press(sized, "Ngày mai lớp nghỉ học.", Keys.ENTER))
    labels = [b.text for b in buttons(following)]
    assert focused_label(sized) == labels[0] and labels[0] not in WAYS_OUT, labels
    assert not photo_offered(sized)


def small_jpeg(path: Path) -> bytes:
    """A real photo-like JPEG (too small for the page to scale it: it goes as it is)."""
    image = Image.new("RGB", (96, 64), (40, 120, 200))
    ImageDraw.Draw(image).rectangle((20, 16, 60, 48), fill=(240, 180, 40))
    image.save(path, "JPEG", quality=80)
    return path.read_bytes()


@pytest.mark.parametrize("sized", ["390x844"], indirect=True)
def test_a_photo_attached_to_a_ticket_reaches_it(
    live: LiveApp, sized: webdriver.Chrome, shots: Path, tmp_path: Path
) -> None:
    """The page offers "Gửi ảnh" only while the newest question takes a photo (the ticket's text,
    its review until it has five); sent there, the photo reaches the ticket."""
    class_code = live.run(_seeded(live.app)).class_codes["Lá 1"]
    new_parent(sized, live.url)
    consent = join(sized, class_code)
    assert not photo_offered(sized)  # a plain question: a photo would only be declined
    for _ in range(3):
        consent = answered(sized, button(consent, "Tôi đồng ý").click)
    kind = answered(sized, lambda: type_and_send(sized, "/phananh"))
    assert not photo_offered(sized)
    topic = answered(sized, buttons(kind)[0].click)
    named = answered(sized, buttons(topic)[0].click)
    button(named, "Gửi ẩn danh").click()
    wait(sized, lambda d: "kèm ảnh" in last_bot_message(d).text)
    wait(sized, photo_offered)
    assert sized.find_element(By.ID, "attach").text == "Gửi ảnh"
    assert focused_label(sized) == "#text"  # the step asks for typing: the focus is there
    photo = tmp_path / "lop-hoc.jpg"
    sent = small_jpeg(photo)
    sized.find_element(By.ID, "photo").send_keys(str(photo))
    wait(sized, lambda d: "Đã nhận ảnh (1/5)" in last_bot_message(d).text)
    shown = sized.find_element(By.CSS_SELECTOR, "#log .msg.me .attachment img")
    wait(sized, lambda d: d.execute_script("return arguments[0].naturalWidth", shown) == 96)
    assert photo_offered(sized)  # more may come, up to five
    sized.save_screenshot(str(shots / "web-photo.png"))
    review = answered(sized, lambda: type_and_send(sized, "Sân chơi có chỗ gạch vỡ ạ."))
    assert photo_offered(sized)  # the review takes more photos too
    button(review, "Gửi").click()
    wait(sized, lambda d: "PA-" in last_bot_message(d).text and not photo_offered(d))
    wait(sized, lambda d: live.run(_photos(live.app)))
    [stored] = live.run(_photos(live.app))
    assert Path(stored).read_bytes() == sent


@pytest.mark.parametrize("sized", ["390x844"], indirect=True)
def test_an_officer_is_never_offered_a_photo(
    live: LiveApp, sized: webdriver.Chrome, tmp_path: Path
) -> None:
    """No officer's step takes a photo: the page shows no "Gửi ảnh", whatever is asked."""
    live.run(_seeded(live.app))
    sized.get(live.url)
    officer = f'#persona option[value="{WARD_OFFICER}"]'
    wait(sized, lambda d: d.find_elements(By.CSS_SELECTOR, officer))
    Select(sized.find_element(By.ID, "persona")).select_by_value(WARD_OFFICER)
    wait(sized, lambda d: d.find_element(By.ID, "log").get_attribute("data-chat-id"))
    for command in ("/trogiup", "/phieu"):
        replied(sized, partial(type_and_send, sized, command))
        assert not photo_offered(sized)
    # hidden, the button is not the gate: a photo sent anyway is declined, not taken
    small_jpeg(tmp_path / "anh.jpg")
    replied(sized, lambda: sized.find_element(By.ID, "photo").send_keys(str(tmp_path / "anh.jpg")))
    assert bubbles(sized)[-1] == ("bot", texts.NOT_TEXT) and not photo_offered(sized)


def replied(driver: webdriver.Chrome, action: Callable[[], None]) -> None:
    """Does `action`, then waits for its echo and an answer after it (buttons or not)."""
    count = len(bubbles(driver))
    action()
    wait(driver, lambda d: len(found := bubbles(d)) > count + 1 and found[-1][0] == "bot")


def test_what_is_not_a_photo_is_refused(live: LiveApp, browser: webdriver.Chrome) -> None:
    """The server checks the first bytes, whatever the page or the file's name say."""
    chat_id = new_parent(browser, live.url)
    status = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch('/api/photo?chat_id=' + arguments[0], {method: 'POST', body: '<svg></svg>'})"
        ".then((r) => done(r.status));",
        chat_id,
    )
    assert status == 415


async def _photos(app: App) -> Any:
    async with app.db.sessions() as session:
        tickets = (await session.scalars(select(Ticket))).all()
    return [p for t in tickets for p in t.photos]


def test_the_widget_works_inside_a_school_websites_iframe(
    live: LiveApp, browser: webdriver.Chrome, tmp_path: Path
) -> None:
    """The embed snippet of the README on another origin: the chat loads, joins and answers."""
    class_code = live.run(_seeded(live.app)).class_codes["Lá 1"]
    site = tmp_path / "truong.html"
    site.write_text(
        '<!doctype html><meta charset="utf-8"><h1>Trường Mầm non Hoa Sen</h1>'
        f'<iframe src="{live.url}" title="Trợ lý Hài Lòng" width="380" height="640"'
        ' style="border:0" allow="clipboard-write"></iframe>',
        encoding="utf-8",
    )
    browser.get(site.as_uri())
    browser.switch_to.frame(browser.find_element(By.TAG_NAME, "iframe"))
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '#persona option[value="new"]'))
    Select(browser.find_element(By.ID, "persona")).select_by_value("new")
    confirm = answered(browser, lambda: type_and_send(browser, class_code))
    assert "Lá 1" in confirm.text
    assert_fits(browser)
