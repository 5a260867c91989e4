"""The settings object and the README's table name the same variables."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from bot.settings import Settings, settings_problem

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


TELEGRAM_HOOK = "https://hl.example.org/webhooks/telegram"


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        ({"telegram_webhook_url": TELEGRAM_HOOK}, "HAILONG_TELEGRAM_WEBHOOK_SECRET must be 8"),
        (
            {"telegram_webhook_url": TELEGRAM_HOOK, "telegram_webhook_secret": "short"},
            "HAILONG_TELEGRAM_WEBHOOK_SECRET must be 8",
        ),
        (
            {"telegram_webhook_url": TELEGRAM_HOOK, "telegram_webhook_secret": "has spaces in it"},
            "A-Z, a-z, 0-9, _ and -",
        ),
        (
            {"zalo_token": "1:a", "zalo_webhook_url": "https://hl.example.org/z"},
            "HAILONG_ZALO_WEBHOOK_SECRET must be 8",
        ),
        (  # no token yet: the URL alone is already a mistake worth stopping for
            {"zalo_webhook_url": "https://hl.example.org/z", "zalo_webhook_secret": "x" * 257},
            "HAILONG_ZALO_WEBHOOK_SECRET must be 8",
        ),
        (
            {"zalo_bots": [{"school": "A", "token": "1:a", "webhook_url": "https://h.org/z"}]},
            "HAILONG_ZALO_BOTS: the Zalo bot 'zalo-a' has a webhook_url",
        ),
        ({"log_format": "yaml"}, "HAILONG_LOG_FORMAT: Input should be 'text' or 'json'"),
        ({"log_level": "LOUD"}, "log_level must be DEBUG"),
    ],
)
def test_a_webhook_without_a_secret_of_8_to_256_characters_is_refused_on_every_channel(
    settings: dict[str, object], problem: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None, **settings)  # type: ignore[arg-type]
    assert problem in settings_problem(caught.value)


@pytest.mark.parametrize(
    ("settings", "variable"),
    [
        ({"public_url": "hailong.truong.edu.vn"}, "HAILONG_PUBLIC_URL"),
        ({"public_url": "ftp://hailong.truong.edu.vn"}, "HAILONG_PUBLIC_URL"),
        (
            {"telegram_webhook_url": "hl.example.org/tg/SECRET-PATH",
             "telegram_webhook_secret": "A_good-secret_42"},
            "HAILONG_TELEGRAM_WEBHOOK_URL",
        ),
        ({"zalo_webhook_url": "https:/hl.example.org/z"}, "HAILONG_ZALO_WEBHOOK_URL"),
        (
            {"zalo_bots": [{"school": "A", "token": "1:a", "webhook_url": "/zalo/a"}]},
            "HAILONG_ZALO_BOTS[0][webhook_url]",
        ),
    ],
)  # fmt: skip
def test_a_public_address_that_is_no_web_address_is_refused_without_repeating_it(
    settings: dict[str, object], variable: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None, **settings)  # type: ignore[arg-type]
    said = settings_problem(caught.value)
    assert said == f"{variable}: must be a web address such as https://hailong.truong.edu.vn/…"


@pytest.mark.parametrize(
    ("settings", "variable"),
    [
        ({"zalo_api_url": "https://bot-api.zaloplatforms.com"}, "HAILONG_ZALO_API_URL"),
        ({"zalo_api_url": "bot-api.zaloplatforms.com/bot"}, "HAILONG_ZALO_API_URL"),
        ({"telegram_api_url": "https://api.telegram.org/"}, "HAILONG_TELEGRAM_API_URL"),
        ({"telegram_api_url": "https://api.telegram.org/bot?x=1"}, "HAILONG_TELEGRAM_API_URL"),
        (
            {"zalo_bots": [{"school": "A", "token": "1:a", "api_url": "http:///bot"}]},
            "HAILONG_ZALO_BOTS[0][api_url]",
        ),
    ],
)
def test_a_bot_api_address_the_token_cannot_follow_is_refused(
    settings: dict[str, object], variable: str
) -> None:
    """The token is put right after the address: without /bot the bot called a broken URL."""
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None, **settings)  # type: ignore[arg-type]
    said = settings_problem(caught.value)
    assert said.startswith(f"{variable}: must be the Bot API's address ending in /bot, as the")


def test_a_bot_api_server_of_the_deployment_may_have_a_host_without_a_dot() -> None:
    settings = Settings(
        _env_file=None, telegram_api_url="http://bot-api:8081/bot",
        zalo_bots=[{"school": "A", "token": "1:a", "api_url": " https://z.example.org/bot "}],
    )  # fmt: skip
    assert settings.telegram_api_url == "http://bot-api:8081/bot"
    assert settings.zalo_bots[0].api_url == "https://z.example.org/bot"


def test_a_blank_public_address_is_none_and_a_loopback_one_is_kept() -> None:
    settings = Settings(
        _env_file=None, public_url="  ", telegram_webhook_url="http://127.0.0.1:8443/tg",
        telegram_webhook_secret="A_good-secret_42",
    )  # fmt: skip
    assert settings.public_url is None
    assert settings.telegram_webhook_url == "http://127.0.0.1:8443/tg"


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        ({"http_port": 0}, "HAILONG_HTTP_PORT: Input should be greater than or equal to 1"),
        ({"http_port": 65536}, "HAILONG_HTTP_PORT: Input should be less than or equal to 65535"),
        ({"invite_ttl_hours": 0}, "HAILONG_INVITE_TTL_HOURS: Input should be greater than or"),
    ],
)
def test_numbers_out_of_their_range_are_refused(settings: dict[str, object], problem: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None, **settings)  # type: ignore[arg-type]
    assert settings_problem(caught.value).startswith(problem)


def test_webhooks_with_their_secrets_and_polling_without_are_fine() -> None:
    settings = Settings(
        _env_file=None,
        telegram_token="1:t",
        telegram_webhook_url=TELEGRAM_HOOK,
        telegram_webhook_secret="A_good-secret_42",
        zalo_token="2:z",
        zalo_webhook_url="https://hl.example.org/z",
        zalo_webhook_secret="any 8+ chars: Zalo takes them",
        zalo_bots=[{"school": "B", "token": "3:b"}],  # long polling: no secret needed
        log_level="debug",
        log_format="json",
    )
    assert (settings.log_level, settings.log_format) == ("DEBUG", "json")
    assert [e.webhook_secret for e in settings.zalo_endpoints()] == [
        "any 8+ chars: Zalo takes them",
        None,
    ]


def test_the_problem_is_one_line_naming_each_variable_never_a_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HAILONG_ZALO_BOTS", '[{"token": "123:VERY-SECRET-TOKEN"}]')
    monkeypatch.setenv("HAILONG_HTTP_PORT", "eighty")
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None)
    assert "VERY-SECRET" in str(caught.value)  # pydantic's own text repeats every input
    problem = settings_problem(caught.value)
    assert "\n" not in problem and "VERY-SECRET" not in problem and "eighty" not in problem
    assert problem == (
        "HAILONG_HTTP_PORT: Input should be a valid integer, unable to parse string as an "
        "integer; HAILONG_ZALO_BOTS[0][school]: Field required"
    )


@pytest.mark.parametrize(
    ("given", "meant"),
    [
        ("postgres://hl:pw@db:5432/hailong", "postgresql+asyncpg://hl:pw@db:5432/hailong"),
        ("postgresql://hl:pw@db/hailong", "postgresql+asyncpg://hl:pw@db/hailong"),
        ("postgresql+asyncpg://hl@db/hailong", "postgresql+asyncpg://hl@db/hailong"),
        ("sqlite:///var/h.db", "sqlite+aiosqlite:///var/h.db"),
        ("SQLite+AIOSQLite:///var/h.db", "sqlite+aiosqlite:///var/h.db"),
    ],
)
def test_a_database_url_as_people_copy_it_gets_the_async_driver(given: str, meant: str) -> None:
    assert Settings(_env_file=None, database_url=given).database_url == meant


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("mysql://hl:VERY-SECRET@db/hailong", "(not mysql://)"),
        ("postgresql+psycopg2://hl:VERY-SECRET@db/x", "(not postgresql+psycopg2://)"),
        ("hl:VERY-SECRET@db/hailong", "(it has no scheme://)"),
    ],
)
def test_a_database_url_of_another_driver_is_refused_without_repeating_it(
    given: str, said: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None, database_url=given)
    problem = settings_problem(caught.value)
    assert problem.startswith(
        "HAILONG_DATABASE_URL: a database URL must be "
        "postgresql+asyncpg://user:password@host:5432/name or sqlite+aiosqlite:///path/to/file.db"
    )
    assert problem.endswith(said) and "VERY-SECRET" not in problem
