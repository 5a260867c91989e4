"""The host checks: the public address answers, and the disks the app writes to have room."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import aiohttp

from bot.database_url import UnreadableDatabaseUrl, database_address
from bot.doctor.findings import Finding, Verdict
from bot.settings import Settings

DISK_WARN = 1024**3  # free bytes under which the disk check warns
DISK_FAIL = 100 * 1024**2  # and fails: the database and report files may fail to be written


async def check_public_url(public_url: str | None, http: aiohttp.ClientSession) -> Finding:
    """GET <HAILONG_PUBLIC_URL>/healthz, as Zalo fetching a picture or a browser would."""
    if not public_url:
        return Finding(
            "public URL",
            Verdict.SKIP,
            "HAILONG_PUBLIC_URL unset (Zalo gets a note instead of each picture)",
        )
    health = public_url.rstrip("/") + "/healthz"
    try:
        async with http.get(health, allow_redirects=False) as response:
            status = response.status
    except aiohttp.ClientConnectorCertificateError:
        return Finding(
            "public URL",
            Verdict.FAIL,
            f"{health}: the TLS certificate is not valid for this name (renew or fix it)",
        )
    except (aiohttp.ClientError, TimeoutError) as error:
        return Finding(
            "public URL",
            Verdict.FAIL,
            f"{health} unreachable ({type(error).__name__}): check the DNS name, the firewall "
            "and the reverse proxy in front of HAILONG_HTTP_HOST:HAILONG_HTTP_PORT",
        )
    if status != 200:
        return Finding(
            "public URL",
            Verdict.FAIL,
            f"{health} answered {status}: the reverse proxy should forward to "
            "HAILONG_HTTP_HOST:HAILONG_HTTP_PORT, where `hailong run` must be running",
        )
    return Finding("public URL", Verdict.OK, f"{health} answers 200")


def check_disks(settings: Settings) -> list[Finding]:
    """The free space of each disk the app writes to: report files, photos, the SQLite file."""
    folders = [settings.reports_dir, settings.media_dir]
    try:
        database = database_address(settings.database_url).sqlite_file
    except UnreadableDatabaseUrl:  # the database's own check says so
        database = None
    if database is not None:
        folders.append(database.parent)
    disks: dict[int, list[Path]] = {}
    for folder in folders:
        existing = _existing(folder)
        disks.setdefault(existing.stat().st_dev, []).append(folder)
    return [_disk(paths) for paths in disks.values()]


def _disk(folders: list[Path]) -> Finding:
    names = ", ".join(dict.fromkeys(f"{f}/" for f in folders))
    locked = [str(p) for p in dict.fromkeys(map(_existing, folders)) if not os.access(p, os.W_OK)]
    if locked:
        return Finding(
            "disk",
            Verdict.FAIL,
            f"{names}: {', '.join(locked)} not writable by this user (chown it to the app's user)",
        )
    usage = shutil.disk_usage(_existing(folders[0]))
    said = f"{names}: {_size(usage.free)} free of {_size(usage.total)}"
    if usage.free < DISK_FAIL:
        return Finding("disk", Verdict.FAIL, f"{said}: free some space")
    if usage.free < DISK_WARN:
        return Finding("disk", Verdict.WARN, f"{said} (under {_size(DISK_WARN)}): free some space")
    return Finding("disk", Verdict.OK, said)


def _existing(folder: Path) -> Path:
    """The folder, or its nearest parent that exists (the app makes the rest when it writes)."""
    path = folder.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _size(count: int) -> str:
    for unit, scale in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} B"
