"""The channel kit: what every platform channel needs besides parsing and rendering, written once.

- `webhook`: the aiohttp route (secret → size → JSON → translate → record → ack),
- `polling`: the getUpdates loop feeding the same path,
- `intake`: that path — an adapter's `translate`, the checks the inbox needs, garbage skipped,
- `backoff`: the one exponential backoff with cap and jitter,
- `redaction`: tokens and webhook secrets masked in every log record and error text.

An adapter (bot/channels/telegram.py, zalo.py) is then its `translate` (platform payload →
Inbound), its rendering (Outbound → platform calls) and its client; bot/channels/registry.py
lists the adapters.
"""
