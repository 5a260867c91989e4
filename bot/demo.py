"""The embedded demo: its own database, the seeded demo school and the web playground.

`hailong demo` gives it `var/demo.db` unless told otherwise with `--database-url`, so the demo
school is never seeded into a deployment's database (bot/cli.py)."""

from __future__ import annotations

from bot.app import App, create_app
from bot.channels.base import Channel
from bot.channels.registry import configured_channels
from bot.channels.web import Persona, WebChannel
from bot.migrate import upgrade
from bot.settings import Settings
from handlers.demo import seed_demo
from handlers.tickets.store import Terms


async def build_demo(settings: Settings) -> App:
    """Migrates, seeds once, and wires the playground beside any configured real channels."""
    await upgrade(settings.database_url)
    web = WebChannel()
    channels: list[Channel] = [web, *configured_channels(settings)]
    app = create_app(settings, channels=channels)
    async with app.db.transaction() as session:
        services = app.services
        terms = Terms.of(services.settings)
        now = services.clock.now()
        demo = await seed_demo(session, services.catalog, now, services.settings, terms=terms)
    web.set_personas([Persona(p.chat_id, p.label, p.group) for p in demo.personas])
    return app
