"""Pictures the app keeps and shows: photos people send, stored on receipt, and signed links.

Zalo's photo URLs expire, so a photo a parent sends is downloaded when it arrives (at most
`HAILONG_PHOTO_MAX_BYTES`, JPEG/PNG/WebP by their first bytes) and kept under
`HAILONG_MEDIA_DIR`; the ticket keeps that copy. Zalo's sendPhoto takes only a public URL, so a
picture the app made or stored (a report chart, a stored photo) is shown through
`/media/<token>`: the token names the file and its expiry, signed with the deployment's key, and
is only made when `HAILONG_PUBLIC_URL` is set. Nothing outside those two folders is served.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Protocol, runtime_checkable
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

log = logging.getLogger(__name__)

ROUTE: Final = "/media/{token}"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,120}")
# the folders a link may name, by a one-letter tag (a link never carries a path)
REPORTS, PHOTOS = "r", "p"
CHUNK: Final = 64 * 1024


def sniff(data: bytes) -> str | None:
    """The picture's content type from its first bytes: JPEG, PNG or WebP; None otherwise."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


_SUFFIX: Final = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}


class PhotoRefused(Exception):
    """A photo could not be kept: too big, not a picture, or not downloadable."""


def safe_url(url: str) -> str:
    """The URL without its query and fragment (where a CDN puts its signature), for logs."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}{parts.path}"


@dataclass
class PhotoStore:
    """Downloads a photo a person sent and keeps it, named by its content's digest."""

    folder: Path
    max_bytes: int = 5 * 1024 * 1024
    timeout: float = 20.0

    async def fetch(self, session: aiohttp.ClientSession, url: str) -> Path:
        """The stored copy of the picture at `url`; PhotoRefused when it cannot be kept."""
        if urlsplit(url).scheme not in ("http", "https"):
            raise PhotoRefused("not an http(s) URL")
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        try:
            async with session.get(url, timeout=timeout, allow_redirects=True) as response:
                if response.status != 200:
                    raise PhotoRefused(f"HTTP {response.status}")
                if (response.content_length or 0) > self.max_bytes:
                    raise PhotoRefused(f"{response.content_length} bytes, over the limit")
                data = bytearray()
                async for chunk in response.content.iter_chunked(CHUNK):
                    data += chunk
                    if len(data) > self.max_bytes:
                        raise PhotoRefused("over the size limit")
        except (aiohttp.ClientError, TimeoutError) as error:
            raise PhotoRefused(type(error).__name__) from None
        return self.keep(bytes(data))

    def keep(self, data: bytes) -> Path:
        """Writes a picture's bytes under the folder (once per content); PhotoRefused if not one."""
        kind = sniff(data)
        if kind is None:
            raise PhotoRefused("not a JPEG, PNG or WebP picture")
        if len(data) > self.max_bytes:
            raise PhotoRefused("over the size limit")
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder.resolve() / f"{hashlib.sha256(data).hexdigest()[:40]}{_SUFFIX[kind]}"
        if not path.exists():
            partial = path.with_suffix(path.suffix + ".part")
            partial.write_bytes(data)
            partial.replace(path)  # never a half-written picture under its final name
        return path


class MediaLinks:
    """Signed, expiring links to the app's own pictures, when the app has a public address."""

    def __init__(
        self,
        public_url: str | None,
        folders: dict[str, Path],
        ttl_seconds: int = 3600,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.public_url = (public_url or "").rstrip("/")
        self._folders = {tag: folder.resolve() for tag, folder in folders.items()}
        self._ttl = ttl_seconds
        self._now = now
        self._key: bytes | None = None

    def use(self, key: bytes) -> None:
        """Takes the deployment's key (App.start), kept apart from the buttons' by derivation."""
        self._key = hmac.new(key, b"hailong media links", hashlib.sha256).digest()

    def url_for(self, image: str) -> str | None:
        """A public link to `image` (a file the app made or stored), or None: no public URL, no
        key yet, or not one of the app's own files."""
        if not self.public_url or self._key is None or "://" in image:
            return None
        path = Path(image).resolve()
        for tag, folder in self._folders.items():
            if path.parent == folder and _NAME.fullmatch(path.name) and path.is_file():
                expires = int(self._now()) + self._ttl
                token = f"{tag}.{_b64(path.name)}.{expires}.{self._mac(tag, path.name, expires)}"
                return f"{self.public_url}/media/{token}"
        return None

    def open(self, token: str) -> tuple[bytes, str]:
        """The picture a token names and its content type; HTTPNotFound or HTTPForbidden."""
        try:
            tag, encoded, expires_text, mac = token.split(".")
            name, expires = _unb64(encoded), int(expires_text)
        except ValueError:
            raise web.HTTPNotFound() from None
        if self._key is None or tag not in self._folders or not _NAME.fullmatch(name):
            raise web.HTTPNotFound()
        if not hmac.compare_digest(mac, self._mac(tag, name, expires)):
            raise web.HTTPForbidden()
        if expires < self._now():
            raise web.HTTPForbidden()
        path = self._folders[tag] / name
        try:
            data = path.read_bytes()
        except OSError:
            raise web.HTTPNotFound() from None
        kind = sniff(data)
        if kind is None:  # only pictures are shown this way, never a report's other files
            raise web.HTTPNotFound()
        return data, kind

    def route(self) -> web.RouteDef:
        """GET /media/<token>: the picture, or 404/403."""

        async def serve(request: web.Request) -> web.Response:
            data, kind = self.open(request.match_info["token"])
            headers = {"Cache-Control": "private, max-age=300", "X-Content-Type-Options": "nosniff"}
            return web.Response(body=data, content_type=kind, headers=headers)

        return web.get(ROUTE, serve)

    def _mac(self, tag: str, name: str, expires: int) -> str:
        assert self._key is not None
        message = f"{tag}\0{name}\0{expires}".encode()
        digest = hmac.new(self._key, message, hashlib.sha256).digest()[:18]
        return base64.urlsafe_b64encode(digest).decode()


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _unb64(text: str) -> str:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise ValueError("not a name") from None


@runtime_checkable
class KeepsMedia(Protocol):
    """A channel that stores the photos it receives and shows pictures by link."""

    def use_media(self, links: MediaLinks, photos: PhotoStore) -> None: ...
