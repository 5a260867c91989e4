"""`hailong news …` as an operator uses it, on a real SQLite file."""

from __future__ import annotations

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
    assert run(capsys, "news", "samples", "--school", "MN-SEN")[1].startswith("0 sample")
    (env / "post.txt").write_text("Hồ sơ miễn giảm học phí nộp trực tuyến.\n", encoding="utf-8")
    code, out, _ = run(
        capsys, "news", "add", "--school", "MN-SEN", "--title", "Miễn giảm học phí",
        "--text-file", "post.txt", "--link", "https://dichvucong.gov.vn",
    )  # fmt: skip
    assert code == 0 and out.startswith("post 6: Miễn giảm học phí")

    code, out, _ = run(capsys, "news", "publish", "6", "--class", "Lá 1")
    assert code == 0 and out.startswith("broadcast 1: 0 messages queued")
    code, out, _ = run(capsys, "news", "publish", "1", "--at", "2030-01-07 08:00", "--every", "7")
    assert code == 0 and out.startswith("broadcast 2: scheduled for 2030-01-07 08:00")
    code, out, _ = run(capsys, "news", "list", "--school", "MN-SEN")
    assert "post 6\tMiễn giảm học phí\thttps://dichvucong.gov.vn" in out
    assert "broadcast 2\tscheduled\t2030-01-07 08:00, every 7 days\t" in out
    code, out, _ = run(capsys, "news", "report", "1")
    assert code == 0 and out.startswith("Kết quả gửi “Miễn giảm học phí”: đã gửi 0/0.")
    code, out, _ = run(capsys, "news", "cancel", "2")
    assert code == 0 and "broadcast 2 cancelled" in out
    code, _, err = run(capsys, "news", "cancel", "2")
    assert code == 2 and "no broadcast 2 to cancel" in err

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
