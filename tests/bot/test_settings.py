"""The settings object and the README's table name the same variables."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.settings import Settings

README = Path(__file__).parents[2] / "README.md"


def test_every_setting_is_documented_and_every_documented_one_exists() -> None:
    documented = set(re.findall(r"^\| `HAILONG_([A-Z_]+)` \|", README.read_text(), re.M))
    assert documented == {name.upper() for name in Settings.model_fields}


def test_environment_is_read_with_the_prefix_and_secrets_stay_hidden(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HAILONG_TELEGRAM_TOKEN", "123:SECRET")
    monkeypatch.setenv("HAILONG_HTTP_PORT", "9090")
    settings = Settings(_env_file=None)
    assert settings.http_port == 9090
    assert isinstance(settings.telegram_token, SecretStr)
    assert "SECRET" not in repr(settings) and "SECRET" not in str(settings.model_dump())


def test_schools_own_zalo_bots_are_read_from_json_and_keep_their_secrets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HAILONG_ZALO_TOKEN", "1:DEFAULT-SECRET")
    monkeypatch.setenv(
        "HAILONG_ZALO_BOTS",
        '[{"school": "MN-HOASEN", "token": "2:HOASEN-SECRET",'
        ' "webhook_url": "https://hl.example.org/zalo/hoasen", "webhook_secret": "hoa-sen-123"},'
        ' {"school": "MN Sen Hồng", "token": "3:SEN-SECRET", "name": "zalo-senhong"}]',
    )
    settings = Settings(_env_file=None)
    default, hoasen, sen = settings.zalo_endpoints()
    assert (default.name, default.school, default.webhook_path) == ("zalo", None, "/zalo/bot/zalo")
    assert (hoasen.name, hoasen.school) == ("zalo-mn-hoasen", "MN-HOASEN")
    assert (hoasen.webhook_path, hoasen.webhook_secret) == ("/zalo/hoasen", "hoa-sen-123")
    assert (sen.name, sen.webhook_url) == ("zalo-senhong", None)
    assert settings.school_of_channel("zalo-mn-hoasen") == "MN-HOASEN"
    assert settings.school_of_channel("zalo") is None
    assert settings.school_of_channel("telegram") is None
    shown = repr(settings) + repr(settings.zalo_endpoints()) + str(settings.model_dump())
    assert "SECRET" not in shown and "hoa-sen-123" not in shown


@pytest.mark.parametrize(
    ("bots", "problem"),
    [
        (
            [{"school": "A", "token": "1:a"}, {"school": "A", "token": "2:b", "name": "zalo-a2"}],
            "same school",
        ),
        ([{"school": "A", "token": "1:a"}, {"school": "B", "token": "1:a"}], "same token"),
        (
            [
                {"school": "A", "token": "1:a", "name": "zalo-x"},
                {"school": "B", "token": "2:b", "name": "zalo-x"},
            ],
            "same channel name",
        ),
        (
            [
                {
                    "school": "A",
                    "token": "1:a",
                    "webhook_url": "https://h.org/z",
                    "webhook_secret": "12345678",
                },
                {
                    "school": "B",
                    "token": "2:b",
                    "webhook_url": "https://h.org/z",
                    "webhook_secret": "87654321",
                },
            ],
            "same webhook path",
        ),
        ([{"school": "A", "token": "1:a", "webhook_url": "https://h.org/z"}], "secret of 8"),
        ([{"school": "A", "token": "1:a", "name": "hoasen"}], "Zalo bot name"),
        ([{"school": "Trường Mầm non Hoa Sen Quận 1", "token": "1:a"}], "at most 20"),
        ([{"school": "A", "token": "1:a", "tokn": "typo"}], "Extra inputs"),
    ],
)
def test_zalo_bots_that_would_clash_are_refused_at_start(
    bots: list[dict[str, str]], problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        Settings(_env_file=None, zalo_bots=bots)
