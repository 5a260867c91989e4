"""Pictures the app shows by link, and downloads of the photos people send by URL.

Zalo's sendPhoto takes only a public URL, so a picture the app made or stored (a report chart, a
stored photo) is shown through `/media/<token>`: the token names the file and its expiry, signed
with the deployment's key, and is only made when `HAILONG_PUBLIC_URL` is set. Nothing outside
those two folders is served. A photo a person sends by URL (Zalo's CDN) is downloaded only from
the hosts of `HAILONG_ZALO_PHOTO_HOSTS`, so a forged URL cannot make the app call an inside
address (the store of the copies: bot/photos.py).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Protocol, runtime_checkable
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from bot.photos import NAME, PhotoRefused, PhotoStore, sniff

log = logging.getLogger(__name__)

ROUTE: Final = "/media/{token}"
# the folders a link may name, by a one-letter tag (a link never carries a path)
REPORTS, PHOTOS = "r", "p"
CHUNK: Final = 64 * 1024


def host_allowed(url: str, hosts: Sequence[str]) -> bool:
    """Whether the URL is http(s) on one of `hosts` or a subdomain of one ("zdn.vn" allows
    "photo.zdn.vn", never "evilzdn.vn"); an entry may carry a port ("127.0.0.1:8080")."""
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".").lower()
    if parts.scheme not in ("http", "https") or not host:
        return False
    try:
        port = parts.port
    except ValueError:
        return False
    for allowed in hosts:
        name, _, wanted = allowed.strip().lower().partition(":")
        if wanted and str(port) != wanted:
            continue
        if name and (host == name or host.endswith("." + name)):
            return True
    return False


@dataclass
class PhotoFetcher:
    """Downloads a picture by URL, only from the allowed hosts and at most `max_bytes`."""

    hosts: Sequence[str]
    max_bytes: int = 5 * 1024 * 1024
    timeout: float = 20.0
    _session: aiohttp.ClientSession | None = field(default=None, repr=False)

    async def fetch(self, url: str) -> bytes:
        """The bytes at `url`; PhotoRefused for a host not allowed (nothing is requested), an
        answer other than 200, a body over the limit, or a failed connection."""
        if not host_allowed(url, self.hosts):
            raise PhotoRefused("host not allowed")
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        try:
            # no redirects: a redirect could lead off the allowed hosts
            async with self._session.get(url, timeout=timeout, allow_redirects=False) as response:
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
        return bytes(data)

    async def close(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()


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
            if path.parent == folder and NAME.fullmatch(path.name) and path.is_file():
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
        if self._key is None or tag not in self._folders or not NAME.fullmatch(name):
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
    """A channel that shows pictures by link, keeps photos attached, or downloads them by URL."""

    def use_media(self, links: MediaLinks, photos: PhotoStore, fetcher: PhotoFetcher) -> None: ...
