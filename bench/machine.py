"""A one-line description of the machine a benchmark ran on."""

from __future__ import annotations

import os
import platform
from importlib.metadata import version


def describe() -> str:
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (
        f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"python-telegram-bot {version('python-telegram-bot')}, aiohttp {version('aiohttp')}, "
        f"SQLAlchemy {version('SQLAlchemy')}"
    )
