"""Counting the SQL statements an app runs, by their first three words (as bench/answer_path.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from bot.app import App


@contextmanager
def statements(app: App) -> Iterator[Counter[str]]:
    """Counts the SQL statements run meanwhile, e.g. `seen["INSERT INTO outbox_messages"]`."""
    seen: Counter[str] = Counter()

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen[" ".join(statement.split()[:3])] += 1

    event.listen(app.db.engine.sync_engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(app.db.engine.sync_engine, "before_cursor_execute", count)
