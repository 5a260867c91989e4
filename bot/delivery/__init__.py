"""The delivery engine: durable per-recipient rows, one sender per bot token, exactly once.

- `queues` holds rows in memory in lanes (replies, announcements, bulk) and per chat;
- `store` has the statements on the outbox table (claim, outcome, recovery, unreachable chats);
- `lease` lets one process per bot token send (PostgreSQL advisory lock, or a lock file);
- `quiet` computes a school's quiet hours; `broadcasts` writes a broadcast's recipients and
  tallies its outcomes;
- `outage` holds a channel after platform failures and probes it; `retries` says when a failed
  message goes again and when it is given up;
- `bot/outbox.py` is the sender that ties them together, `bot/ratelimit.py` its token buckets.

What "exactly once" means here. Every message is a row, written in the transaction of the event
or job that decided to send it. Before the platform is called, the row is claimed: status
`sending`, attempt counted, committed. When the call returns, the outcome (`sent` with the
platform's message id, `failed`, a retry time, …) is committed with the next claims, within
milliseconds. So a crash or a kill leaves each row in one of three states:

- `pending`: never handed to the platform; the next sender sends it (once);
- `sent`/`failed`/…: settled; never sent again;
- `sending`: claimed, and the platform may or may not have taken it. This is the one ambiguous
  case, the same as a request that got no answer in time (a read timeout). Its rule: a reply is
  sent again (a parent would rather see a question twice than never); a broadcast's message is
  marked `unconfirmed`, **not** sent again, and its report says "chưa xác nhận" and never counts
  it as sent. Nearly all of that window is the network round trip after the request was written
  (a claim is followed by the write within a millisecond, and no more requests are in flight
  than the HTTP pool has connections), so the row was almost always delivered. At most
  `concurrency` rows per crash can be in this state.

A claim only succeeds on a `pending` row, so even two senders that both believed they held the
lease could not send one row twice. Other failures (an HTTP 5xx, no connection) are tried again
with a growing wait until the message's time limit (`HAILONG_OUTBOX_GIVE_UP_HOURS`); a 429's
`retry_after` is waited and does not count as a try. A message given up is `dead`, with a
WARNING and a count in `/metrics`.
"""
