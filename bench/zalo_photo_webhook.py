"""How long Zalo waits for the webhook's answer when a parent's photo sits on a slow CDN.

    python -m bench.zalo_photo_webhook                  # a CDN that takes 2 s, 5 photos
    python -m bench.zalo_photo_webhook --cdn 0.5 --photos 10

A loopback "CDN" answers each photo after `--cdn` seconds. The app (SQLite in a temporary folder,
a Zalo channel on a webhook, the loopback fake Zalo Bot API) gets one photo update after another
at its webhook from a teacher writing an announcement (a flow that takes photos), and the time
until each POST is answered is printed, then the time until every copy is stored. To compare
with another checkout, run this file by its path with that checkout first on PYTHONPATH (its
settings may lack HAILONG_ZALO_PHOTO_HOSTS).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web

from bench.machine import describe
from bot.app import create_app
from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_client import ZaloBotClient
from bot.migrate import upgrade
from bot.settings import Settings
from tests.factories import make_school, make_staff_code
from tests.fakes.loopback import serve
from tests.fakes.zalo_api import TOKEN, FakeZalo

JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF\x00" + bytes(2000)
SECRET = "bench-Webhook_secret"
HOOK = "/zalo/bot/bench"


async def run(cdn_seconds: float, photos: int) -> None:
    async def slow_photo(request: web.Request) -> web.Response:
        await asyncio.sleep(cdn_seconds)  # the CDN's own slowness, not a wait for the app
        return web.Response(body=JPEG, content_type="image/jpeg")

    cdn = web.Application()
    cdn.router.add_get("/{name}.jpg", slow_photo)
    cdn_runner, cdn_base = await serve(cdn)
    folder = Path(tempfile.mkdtemp(prefix="hailong-bench-"))
    url = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
    await upgrade(url)
    fields: dict[str, object] = {"database_url": url, "media_dir": folder / "media"}
    if "zalo_photo_hosts" in Settings.model_fields:  # this checkout allows only listed hosts
        fields["zalo_photo_hosts"] = [cdn_base.removeprefix("http://")]
    settings = Settings(_env_file=None, **fields)  # type: ignore[arg-type]
    async with FakeZalo() as api:
        client = ZaloBotClient(TOKEN, api.api_url, retry_delays=())
        channel = ZaloChannel(
            TOKEN,
            webhook_url=f"https://hailong.example.org{HOOK}",
            webhook_secret=SECRET,
            client=client,
        )
        app = create_app(settings, channels=[channel], jobs=[])
        runner = web.AppRunner(app.web, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        base = f"http://127.0.0.1:{runner.addresses[0][1]}"
        await app.start(scheduler=False, sender=True)
        answers: list[float] = []
        try:
            setup = await make_school(app)
            code = await make_staff_code(app, setup, "teacher", "Lá 1")
            async with aiohttp.ClientSession() as http:
                for text in (code, "/thongbao"):  # a flow that takes photos
                    await post(http, base, api.text_update("teacher", text))
                    await app.settle()
                for n in range(photos):
                    update = api.text_update("teacher", "", event_name="message.image.received")
                    del update["message"]["text"]
                    update["message"]["photo_url"] = f"{cdn_base}/p{n}.jpg?sig=s{n}"
                    started = time.perf_counter()
                    await post(http, base, update)
                    answers.append(time.perf_counter() - started)
            started = time.perf_counter()
            await app.settle()
            stored = time.perf_counter() - started
        finally:
            await app.stop()
            await runner.cleanup()
            await cdn_runner.cleanup()
    copies = sorted(p.name for p in (folder / "media").glob("*") if not p.name.endswith(".part"))
    print(describe())
    print(f"CDN answers after {cdn_seconds:.1f} s; {photos} photos at the Zalo webhook")
    print(
        f"webhook answered in: median {statistics.median(answers) * 1000:.0f} ms, "
        f"max {max(answers) * 1000:.0f} ms"
    )
    print(f"then every copy stored within {stored:.2f} s; files in the media folder: {len(copies)}")


async def post(http: aiohttp.ClientSession, base: str, update: object) -> None:
    headers = {"X-Bot-Api-Secret-Token": SECRET}
    async with http.post(base + HOOK, json=update, headers=headers) as response:
        assert response.status == 200, response.status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cdn", type=float, default=2.0, help="seconds the CDN takes")
    parser.add_argument("--photos", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(run(args.cdn, args.photos))


if __name__ == "__main__":
    main()
