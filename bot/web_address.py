"""Whether a text is a web address a phone or a platform can open: http(s), with a host."""

from __future__ import annotations

from urllib.parse import urlsplit


def is_web_address(text: str) -> bool:
    """An http(s) address with a dotted host and no spaces (https://hailong.truong.edu.vn/…)."""
    parts = urlsplit(text.strip())
    return parts.scheme in ("http", "https") and "." in parts.netloc and " " not in text.strip()
