"""Every fault scenario in one run, printed as one table against the bar each must meet.

    python -m bench.faults --db postgresql+asyncpg://postgres@127.0.0.1:5432/bench
    python -m bench.faults --db … --minutes 1 --kills 5 --outage 20   # a quick run

Runs bench/faults_delivery.py (Bot API 500 / 429 / timeouts for `--minutes` during a 3,000-chat
announcement with 120 replies falling due; the sender killed at `--kills` random points of the
announcement) on the PostgreSQL database `--db` (its schema is dropped and made again), then
bench/faults_dispatch.py (the database stopped for `--outage` seconds under load; the bot killed at
`--kills` random points of a survey wave; three replicas on webhooks; three replicas polling) on a
throw-away cluster of its own on `--port`. Each part prints its own detailed table as it goes; the
last table says, for each probe, the bar, what was measured and whether it was met.
"""

from __future__ import annotations

import argparse
import asyncio
import random
from dataclasses import dataclass

from bench import faults_delivery, faults_dispatch
from bench.machine import describe


@dataclass(frozen=True)
class Probe:
    """One line of the summary: what was done, what it must show, what it showed."""

    probe: str
    bar: str
    measured: str
    met: bool


def delivery_probes(
    faults: list[faults_delivery.FaultResult], kill: faults_delivery.KillResult | None
) -> list[Probe]:
    probes = [
        Probe(
            f"Bot API {r.fault} for {r.minutes:g} min, 3,000-chat announcement, "
            f"{faults_delivery.PARENTS} replies due",
            "0 replies lost; 0 broadcast messages counted sent that were not confirmed",
            f"replies lost {r.replies_lost}, twice {r.replies_twice}; announcement chats missed "
            f"{r.broadcast_lost}, twice {r.broadcast_twice}; counted sent unanswered "
            f"{r.sent_unanswered}",
            r.replies_lost == 0 and r.sent_unanswered == 0 and r.broadcast_lost == 0,
        )
        for r in faults
    ]
    if kill is not None:
        unconfirmed = kill.statuses.get("unconfirmed", 0)
        probes.append(
            Probe(
                f"kill -9 ×{kill.kills} during a {kill.total:,}-chat announcement",
                "0 lost, 0 duplicated",
                f"chats that got nothing {kill.lost}, twice {kill.twice}; rows unconfirmed "
                f"{unconfirmed} (of which delivered {kill.unconfirmed_delivered})",
                kill.lost == 0 and kill.twice == 0,
            )
        )
    return probes


def dispatch_probes(rows: list[faults_dispatch.Row]) -> list[Probe]:
    probes = []
    for row in rows:
        f = row.found
        base = f.lost == 0 and f.duplicated == 0 and f.out_of_order == 0 and f.wrong_answers == 0
        measured = (
            f"{f.answers:,} answers: lost {f.lost}, duplicated {f.duplicated}, chats out of "
            f"order {f.out_of_order}, on a wrong question {f.wrong_answers}; ERROR lines "
            f"{row.errors}"
        )
        if row.scenario == "database down":
            bar, met = "0 lost, order kept per chat", base
        elif row.scenario == "kill -9":
            # the bar, as its item 1 settles the one ambiguous case: a reply in flight
            # at the kill may have reached the parent or not, and is sent again
            measured += f"; replies in flight at a kill, sent again {row.resent}"
            bar = "0 lost, 0 duplicated — but a reply in flight at a kill is sent again (item 1)"
            no_loss = f.lost == 0 and f.out_of_order == 0 and f.wrong_answers == 0
            met = no_loss and f.duplicated <= row.resent
        elif row.scenario == "3 replicas, webhooks":
            ordered = sorted(f.latencies)
            p99 = ordered[int(0.99 * (len(ordered) - 1))] if ordered else float("inf")
            measured += f"; reply p99 {1000 * p99:.0f} ms"
            bar, met = "every chat in order, 0 duplicates, reply p99 under 1 s", base and p99 < 1
        else:
            before, after = row.pollers
            measured += f"; pollers before the kill {before}, after {after}"
            bar = "one poller, no ERROR lines"
            met = base and before == 1 and after == 1 and row.errors == 0
        probes.append(Probe(f"{row.scenario} ({row.load}; {row.fault})", bar, measured, met))
    return probes


def print_summary(probes: list[Probe]) -> None:
    print(f"\nmachine: {describe()}")
    print("| probe | bar | measured | met |")
    print("|---|---|---|---|")
    for p in probes:
        print(f"| {p.probe} | {p.bar} | {p.measured} | {'yes' if p.met else 'NO'} |")


async def measure(args: argparse.Namespace) -> list[Probe]:
    faults: list[faults_delivery.FaultResult] = []
    kill = None
    if "delivery" in args.parts:
        print(f"machine: {describe()}")
        for fault in faults_delivery.FAULTS:
            faults.append(await faults_delivery.fault_run(args.db, fault, args.minutes, 1.0))
            faults_delivery.print_faults(faults[-1:], 1.0)
        if args.kills:
            rng = random.Random(args.seed)
            kill = await faults_delivery.kill_run(args.db, args.kills, 1.0, rng)
            faults_delivery.print_kills(kill, 1.0)
    rows: list[faults_dispatch.Row] = []
    if "dispatch" in args.parts:
        scenarios = ["outage", "kill", "replicas", "polling"]
        rows = await faults_dispatch.run_scenarios(scenarios, args.port, args)
    return delivery_probes(faults, kill) + dispatch_probes(rows)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", required=True, help="PostgreSQL URL for the delivery part")
    parser.add_argument("--minutes", type=float, default=10.0, help="length of each Bot API fault")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--parts", default="delivery,dispatch", help="delivery,dispatch")
    faults_dispatch.add_options(parser)
    args = parser.parse_args()
    if not args.db.startswith("postgresql"):
        parser.error("--db must be a PostgreSQL URL")
    print_summary(asyncio.run(measure(args)))


if __name__ == "__main__":
    main()
