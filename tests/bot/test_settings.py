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
