"""What the sender holds in memory: per-chat queues in lanes, the chats ready to go, timers.

A chat's messages of one lane go out in the order they were queued, one at a time. Lanes are
served lowest first within each channel: replies (0) before announcements (1) before news,
reminders and invitations (2), so a person in a conversation never waits behind a broadcast for
more than the next free token.
"""

from __future__ import annotations

import heapq
from collections import Counter, deque
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

REPLY, ANNOUNCEMENT, BULK = 0, 1, 2
LANES = (REPLY, ANNOUNCEMENT, BULK)

Key = tuple[str, str, int]  # channel, chat id, lane
# why a message was tried again or given up (bot/delivery/retries.py; a label of the metrics)
Reason = Literal["unavailable", "timeout", "rate_limited", "error", "expired", "not_found"]


@dataclass
class Pending:
    """One outbox row held in memory until its outcome is recorded."""

    id: int
    channel: str
    chat_id: str
    body: dict[str, Any] | None  # None: the broadcast's body
    attempts: int
    not_before: datetime
    lane: int = REPLY
    broadcast_id: int | None = None
    person_id: int | None = None
    to_group: bool = False
    created_at: datetime | None = None  # None: queued now (`not_before`)
    error: str | None = None  # the last failure's, as recorded
    failure: Reason | None = None  # what kind of failure that was, if seen by this process

    def __post_init__(self) -> None:
        if self.created_at is None:
            self.created_at = self.not_before

    @property
    def queued_at(self) -> datetime:
        """When the message was queued: its time limit runs from here."""
        return self.created_at or self.not_before

    @property
    def key(self) -> Key:
        return (self.channel, self.chat_id, self.lane)

    @property
    def group(self) -> bool:
        return self.to_group or bool(self.body and self.body.get("meta", {}).get("group"))


class Lanes:
    """Queues per (channel, chat, lane), and per channel the keys ready to send, lane by lane."""

    def __init__(self) -> None:
        self.queues: dict[Key, deque[Pending]] = {}
        self.known: set[int] = set()
        self.busy: set[Key] = set()
        self.per_broadcast: Counter[int] = Counter()
        self._ready: dict[str, tuple[deque[Key], ...]] = {}
        self._timers: list[tuple[float, int, Key]] = []
        self._seq = 0

    @property
    def bulk_held(self) -> int:
        return sum(self.per_broadcast.values())

    def add(self, item: Pending) -> bool:
        """Holds a row (in id order within its chat and lane); False if it is held already."""
        if item.id in self.known:
            return False
        self.known.add(item.id)
        if item.broadcast_id is not None:
            self.per_broadcast[item.broadcast_id] += 1
        queue = self.queues.setdefault(item.key, deque())
        queue.append(item)
        if len(queue) > 1 and queue[-2].id > item.id:  # a swept row older than ones held
            ordered = sorted(queue, key=lambda p: p.id)
            queue.clear()
            queue.extend(ordered)
        self._make_ready(item.key)
        return True

    def channels(self) -> list[str]:
        return [name for name, lanes in self._ready.items() if any(lanes)]

    def pop_ready(self, channel: str) -> Key | None:
        """The next chat of this channel whose turn it is (lowest lane first), or None."""
        for ready in self._ready.get(channel, ()):
            while ready:
                key = ready.popleft()
                if self.queues.get(key) and key not in self.busy:
                    return key
        return None

    def has_ready(self) -> bool:
        return any(any(lines) for lines in self._ready.values())

    def head(self, key: Key) -> Pending:
        return self.queues[key][0]

    def start(self, key: Key) -> Pending:
        """Takes the head of a chat's queue to send it; the chat is busy until `done`."""
        self.busy.add(key)
        return self.queues[key].popleft()

    def put_back(self, item: Pending) -> None:
        """Puts a message back at the head of its queue (to retry, or it was not claimed)."""
        self.queues.setdefault(item.key, deque()).appendleft(item)

    def done(self, key: Key) -> None:
        """The chat's message is settled: the chat may send its next one."""
        self.busy.discard(key)
        if self.queues.get(key):
            self._make_ready(key)
        elif key in self.queues:
            del self.queues[key]

    def forget(self, item: Pending) -> None:
        """The row's outcome is recorded: it is no longer held."""
        self.known.discard(item.id)
        if item.broadcast_id is not None:
            self.per_broadcast[item.broadcast_id] -= 1
            if self.per_broadcast[item.broadcast_id] <= 0:
                del self.per_broadcast[item.broadcast_id]

    def drop_channel(self, channel: str) -> None:
        """Lets go of every waiting message of a channel (its lease was lost)."""
        for key in [k for k in self.queues if k[0] == channel and k not in self.busy]:
            for item in self.queues.pop(key):
                self.forget(item)
        self._ready.pop(channel, None)

    def later(self, key: Key, seconds: float, loop_now: float) -> None:
        self._seq += 1
        heapq.heappush(self._timers, (loop_now + seconds, self._seq, key))

    def release_timers(self, loop_now: float) -> None:
        while self._timers and self._timers[0][0] <= loop_now:
            self._make_ready(heapq.heappop(self._timers)[2])

    def next_timer(self, loop_now: float) -> float | None:
        return self._timers[0][0] - loop_now if self._timers else None

    def ready_everything(self) -> None:
        """Makes every waiting chat ready again, so due times are checked now (tests, drain)."""
        for key, queue in self.queues.items():
            if queue and key not in self.busy:
                self._make_ready(key)

    def _make_ready(self, key: Key) -> None:
        self._lines(key[0])[key[2]].append(key)

    def _lines(self, channel: str) -> tuple[deque[Key], ...]:
        lines = self._ready.get(channel)
        if lines is None:
            lines = self._ready[channel] = tuple(deque() for _ in LANES)
        return lines
