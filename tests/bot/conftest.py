"""Fixtures shared by the tests of the bot's wiring."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest


@pytest.fixture
def naive_logging() -> Iterator[io.StringIO]:
    """Every logger at DEBUG into one stream, with no caps: what `basicConfig` would give."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
