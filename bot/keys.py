"""The deployment's own secrets: made once in the database, so every replica signs alike."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from bot.db import Database, table_of, upsert_statements
from bot.models.service import AppKey

BUTTONS = "buttons"

_KEYS = table_of(AppKey)
_ADD = upsert_statements(lambda insert: insert(_KEYS).on_conflict_do_nothing())


def configured_key(text: str) -> bytes:
    """The signing key a configured HAILONG_BUTTON_KEY stands for."""
    return hashlib.sha256(text.encode()).digest()


async def button_key(db: Database, configured: str | None) -> bytes:
    """The key that signs buttons: the configured one, or the database's (made on first use)."""
    if configured:
        return configured_key(configured)
    async with db.transaction() as session:
        await session.execute(_ADD(session), {"name": BUTTONS, "value": secrets.token_hex(32)})
        value = await session.scalar(select(AppKey.value).where(AppKey.name == BUTTONS))
    assert value is not None
    return bytes.fromhex(value)
