"""Photos people send: the store of the app's copies, and the keeper that fills it by channel.

Zalo's photo URLs expire, so a photo a parent sends is copied under `HAILONG_MEDIA_DIR` (at most
`HAILONG_PHOTO_MAX_BYTES`, JPEG/PNG/WebP by their first bytes). The copy's path is chosen when the
photo is handled (`PhotoKeeper.slot_for`), so the draft or ticket holds it at once, and the
download runs as queued work after the commit (handlers/photos.py): a slow CDN never holds up a
webhook's answer. A copy that cannot be had leaves a marker beside its slot, so it is told from
one still coming. A Telegram photo is a lasting file id; it is copied too when the app has a
public address, so a link-only platform (Zalo) can show it (bot/media.py).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Protocol, runtime_checkable
from urllib.parse import urlsplit

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,120}")  # a file name a link or a slot may have
REFUSED: Final = ".refused"  # beside a copy's slot: its photo could not be had


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
    """Keeps pictures people sent under one folder: by content, or under a slot named early."""

    folder: Path
    max_bytes: int = 5 * 1024 * 1024

    def keep(self, data: bytes) -> Path:
        """Writes a picture's bytes under the folder (once per content); PhotoRefused if not one."""
        kind = self._checked(data)
        path = self.folder.resolve() / f"{hashlib.sha256(data).hexdigest()[:40]}{_SUFFIX[kind]}"
        if not path.exists():
            self._write(path, data)
        return path

    def slot_for(self, channel: str, media: str) -> Path:
        """Where the copy of a platform's photo (a URL, a file id) goes: named by a digest of
        both, so the same photo always has the same place."""
        digest = hashlib.sha256(f"{channel}\0{media}".encode()).hexdigest()[:40]
        return self.folder.resolve() / f"c{digest}"

    def keep_as(self, data: bytes, slot: Path) -> Path:
        """Writes a picture's bytes to its slot; PhotoRefused if they are not a picture."""
        self._checked(data)
        if slot.resolve().parent != self.folder.resolve() or not NAME.fullmatch(slot.name):
            raise PhotoRefused("not a slot of this store")
        self._write(slot, data)
        return slot

    def refuse(self, slot: Path) -> None:
        """Marks a slot whose photo could not be had (`refused`), so it is told from one whose
        download has not finished yet."""
        self.folder.mkdir(parents=True, exist_ok=True)
        marker = slot.with_name(slot.name + REFUSED)
        if marker.resolve().parent == self.folder.resolve():
            marker.touch()

    def refused(self, path: Path) -> bool:
        """Whether `path` is a slot of this store whose photo could not be had."""
        return path.parent == self.folder.resolve() and path.with_name(path.name + REFUSED).exists()

    def _checked(self, data: bytes) -> str:
        kind = sniff(data)
        if kind is None:
            raise PhotoRefused("not a JPEG, PNG or WebP picture")
        if len(data) > self.max_bytes:
            raise PhotoRefused("over the size limit")
        return kind

    def _write(self, path: Path, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".part")
        partial.write_bytes(data)
        partial.replace(path)  # never a half-written picture under its final name


@runtime_checkable
class PhotoSource(Protocol):
    """A channel whose photos the app can download: by URL (Zalo) or by file id (Telegram)."""

    name: str
    # its photo references stop working (Zalo's CDN URLs): the app's copy must stand in for them
    photos_expire: bool

    async def download_photo(self, media: str, max_bytes: int) -> bytes: ...


@dataclass
class PhotoKeeper:
    """Copies the photos people send into the store, each by the channel it came from."""

    store: PhotoStore
    sources: Mapping[str, PhotoSource]
    # whether a link-only platform can show a copy (the app has a public address): then lasting
    # references (file ids) are copied too
    links_wanted: Callable[[], bool] = lambda: False

    def slot_for(self, channel: str, media: str) -> Path:
        return self.store.slot_for(channel, media)

    def copies(self, channel: str) -> bool:
        """Whether a photo from this channel is copied: always when its references expire,
        else when the copy can be shown by link."""
        source = self.sources.get(channel)
        return source is not None and (source.photos_expire or self.links_wanted())

    def stands_in(self, channel: str) -> bool:
        """Whether the copy replaces the channel's own reference (which expires)."""
        source = self.sources.get(channel)
        return source is not None and source.photos_expire

    def missing(self, media: str) -> bool:
        """Whether `media` is a copy of this store that is not there: its download failed, or
        has not finished yet."""
        if "://" in media:
            return False
        path = Path(media)
        home = self.store.folder.resolve()
        return path.is_absolute() and path.parent == home and not path.is_file()

    def failed(self, media: str) -> bool:
        """Whether `media` is a copy whose download failed for good (not one still coming)."""
        return "://" not in media and self.store.refused(Path(media))

    async def keep(self, channel: str, media: str, slot: Path) -> Path:
        """Downloads the photo and writes it to its slot; PhotoRefused when it cannot be had,
        and the slot is marked so."""
        source = self.sources.get(channel)
        try:
            if source is None:
                raise PhotoRefused("no such channel")
            data = await source.download_photo(media, self.store.max_bytes)
            return self.store.keep_as(data, slot)
        except PhotoRefused:
            self.store.refuse(slot)
            raise
