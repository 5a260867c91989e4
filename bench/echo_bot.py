"""The reference: a bare python-telegram-bot echo bot on the aiohttp request backend.

Updates arrive by webhook on our own aiohttp server and go to PTB's update queue; the echo handler
replies with sendMessage. Run by `bench/webhook_answers.py`, not by hand.
"""

from __future__ import annotations

import argparse
import asyncio
import json

from aiohttp import web
from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.channels.aiohttp_request import AiohttpRequest
from bot.cli import event_loop_factory


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text:
        await message.reply_text(message.text)


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def main(api_url: str, token: str, port: int) -> None:
    application = (
        ApplicationBuilder()
        .token(token)
        .base_url(api_url)
        .request(AiohttpRequest(pool_size=256))
        .get_updates_request(AiohttpRequest(pool_size=1))
        .concurrent_updates(512)
        .updater(None)
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))

    async def webhook(request: web.Request) -> web.Response:
        data = json.loads(await request.read())
        await application.update_queue.put(Update.de_json(data, application.bot))
        return web.Response()

    server = web.Application()
    server.router.add_post("/webhooks/telegram", webhook)
    server.router.add_get("/healthz", healthz)
    runner = web.AppRunner(server, access_log=None)
    await runner.setup()
    async with application:
        await application.start()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        await asyncio.Event().wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--api", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    # the event loop the bot under test runs on, so the two differ only in what they do
    with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
        runner.run(main(args.api, args.token, args.port))
