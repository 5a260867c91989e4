"""Whether a value a person typed fits the column that keeps it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import QueryableAttribute


def fitting(value: str, column: QueryableAttribute[Any], what: str) -> str:
    """The value, if its column holds it; else ValueError saying how long it may be
    (PostgreSQL refuses a longer value, SQLite would keep it whole)."""
    limit = getattr(column.type, "length", None)
    if limit is not None and len(value) > limit:
        raise ValueError(f"{what} is {len(value)} characters long; at most {limit} fit")
    return value
