"""`hailong news …` as an operator uses it, on a real SQLite file."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.bot.test_cli import env, run

__all__ = ["env"]


def test_an_operator_fills_the_library_publishes_schedules_and_sets_the_policy(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "school", "create", "--code", "MN-SEN", "--name", "Trường MN Sen")
    run(capsys, "class", "create", "--school", "MN-SEN", "--name", "Lá 1")
    code, out, _ = run(capsys, "news", "samples", "--school", "MN-SEN")
    assert code == 0 and out.startswith("5 sample posts added to MN-SEN")
    assert run(capsys, "news", "samples", "--school", "MN-SEN")[1] == (
        "the sample posts are in MN-SEN's library already (nothing changed)\n"
    )
    (env / "post.txt").write_text("Hồ sơ miễn giảm học phí nộp trực tuyến.\n", encoding="utf-8")
    code, out, _ = run(
        capsys, "news", "add", "--school", "MN-SEN", "--title", "Miễn giảm học phí",
        "--text-file", "post.txt", "--link", "https://dichvucong.gov.vn",
    )  # fmt: skip
    assert code == 0 and out.startswith("post 6: Miễn giảm học phí")
    (env / "pictures").mkdir()
    (env / "pictures" / "le_khai_giang.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    code, out, _ = run(
        capsys, "news", "add", "--school", "MN-SEN", "--title", "Lễ khai giảng", "--text", "Ảnh",
        "--image", "pictures/le_khai_giang.png",
    )  # fmt: skip
    assert code == 0 and out == "post 7: Lễ khai giảng\n"
    with closing(sqlite3.connect(env / "cli.db")) as db:  # the bot may run from another folder
        (stored,) = db.execute("SELECT image FROM news_posts WHERE id = 7").fetchone()
    assert stored == str(env.resolve() / "pictures" / "le_khai_giang.png")

    code, out, _ = run(capsys, "news", "publish", "6", "--class", "Lá 1")
    assert code == 0 and out.startswith("broadcast 1: 0 messages queued")
    code, out, _ = run(capsys, "news", "publish", "1", "--at", "2030-01-07 08:00", "--every", "7")
    assert code == 0 and out.startswith("broadcast 2: scheduled for 2030-01-07 08:00")
    # run again, as an operator unsure it worked: nothing is sent or scheduled twice
    code, out, _ = run(capsys, "news", "publish", "6", "--class", "Lá 1")
    assert (
        code == 0
        and out.startswith("post 6 went to these classes already (broadcast 1, ")
        and out.endswith("; nothing changed): --again sends it once more\n")
    )
    code, out, _ = run(capsys, "news", "publish", "1", "--at", "07/01/2030 08:00", "--every", "7")
    assert (code, out) == (
        0, "post 1 is scheduled for 2030-01-07 08:00 already (broadcast 2; nothing changed)\n"
    )  # fmt: skip
    code, out, _ = run(capsys, "news", "publish", "6")  # the whole school: another audience
    assert code == 0 and out.startswith("broadcast 3: 0 messages queued")
    code, out, _ = run(capsys, "news", "publish", "6", "--class", "Lá 1", "--again")
    assert code == 0 and out.startswith("broadcast 4: 0 messages queued")
    code, out, _ = run(capsys, "news", "publish", "1", "--at", "2030-01-08 08:00")
    assert code == 0 and out.startswith("broadcast 5: scheduled for 2030-01-08 08:00")
    code, out, _ = run(capsys, "news", "list", "--school", "MN-SEN")
    assert "post 6\tMiễn giảm học phí\thttps://dichvucong.gov.vn" in out
    assert "broadcast 2\tscheduled\t2030-01-07 08:00, every 7 days\t" in out
    code, out, _ = run(capsys, "news", "report", "1")
    assert code == 0 and out.startswith("Kết quả gửi “Miễn giảm học phí”: đã gửi 0/0.")
    code, out, _ = run(capsys, "news", "cancel", "2")
    assert (code, out) == (0, "broadcast 2 cancelled\n")
    code, out, _ = run(capsys, "news", "cancel", "2")
    assert (code, out) == (0, "broadcast 2 is cancelled already (nothing changed)\n")
    code, out, _ = run(capsys, "news", "cancel", "1")  # still sending: its rest is not sent
    assert (code, out) == (0, "broadcast 1 cancelled\n")
    with closing(sqlite3.connect(env / "cli.db")) as db, db:  # as the bot leaves one it sent
        db.execute("UPDATE broadcasts SET status = 'done' WHERE id = 3")
    code, _, err = run(capsys, "news", "cancel", "3")
    assert code == 2 and err == (
        "hailong: broadcast 3 was sent already: there is nothing left to cancel; "
        "hailong news report 3 shows who got it\n"
    )
    code, _, err = run(capsys, "news", "cancel", "99")
    assert code == 2 and "no broadcast 99; hailong news list --school … shows them" in err

    code, out, _ = run(capsys, "news", "policy", "--school", "MN-SEN")
    assert out.strip() == "MN-SEN: quiet hours 21:00-06:30, audience groups"
    code, out, _ = run(
        capsys,
        "news",
        "policy",
        "--school",
        "MN-SEN",
        "--quiet",
        "20:30-7:00",
        "--audience",
        "both",
    )
    assert out.strip() == "MN-SEN: quiet hours 20:30-07:00, audience both"
    code, out, _ = run(capsys, "news", "policy", "--school", "MN-SEN", "--quiet", "none")
    assert out.strip() == "MN-SEN: quiet hours none, audience both"
    code, _, err = run(capsys, "news", "policy", "--school", "MN-SEN", "--quiet", "9pm")
    assert code == 2 and "quiet hours must look like 21:00-06:30" in err
