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
from bot.stopping import StoppedBeforeServing, StopSignals
from handlers.demo import DemoSchool, seed_demo
from handlers.tickets.store import Terms


async def build_demo(settings: Settings, signals: StopSignals) -> App:
    """Migrates, seeds once, and wires the playground beside any configured real channels; a
    stop signal lets the migrations or the seeding (one transaction) finish, then ends it."""
    await signals.writing(upgrade(settings.database_url))
    web = WebChannel()
    channels: list[Channel] = [web, *configured_channels(settings)]
    app = create_app(settings, channels=channels)
    try:
        demo = await signals.writing(_seeded(app))
    except StoppedBeforeServing:
        await app.db.dispose()
        raise
    web.set_personas([Persona(p.chat_id, p.label, p.group) for p in demo.personas])
    return app


async def _seeded(app: App) -> DemoSchool:
    async with app.db.transaction() as session:
        services = app.services
        terms = Terms.of(services.settings)
        now = services.clock.now()
        return await seed_demo(session, services.catalog, now, services.settings, terms=terms)
