"""How fast the `hailong` command starts, beside `python -c pass` in the same run.

    python -m bench.startup [--runs 11]

Each round runs, in turn: `python -c pass` (the interpreter's own start), an import of the
libraries every database command needs (the floor under a setup command), `hailong --help`, a
setup command run again as an operator re-runs one (school, class, authority, roster, news post,
survey wave that exist: connect, check the migration head, look, change nothing), two listings,
and `hailong run` until its /healthz answers (no channel configured: the HTTP server, the
database and the workers; a fresh SQLite file in a temporary folder, a free loopback port). Prints
the median, min and max wall time of each, its ratios to `python -c pass` and to the import of
the database libraries, and the machine.
Every process is the whole command, as an operator starts it (`python -m bot` is `hailong`),
with Python's bytecode cache on as in an installed deployment (PYTHONDONTWRITEBYTECODE is
dropped for the commands measured).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from functools import partial
from pathlib import Path

from bench.machine import describe

ROOT = Path(__file__).resolve().parents[1]
HEALTHZ_LIMIT_S = 60.0
# what every command that reads the database loads, before any of the project's own code: the
# floor a setup command cannot go under (SQLAlchemy's async ORM, the SQLite driver, the settings)
DATABASE_LIBRARIES = (
    "sqlalchemy.ext.asyncio",
    "sqlalchemy.orm",
    "sqlalchemy.dialects.sqlite.aiosqlite",
    "pydantic_settings",
)


FLOOR = "import the database libraries"
# setup commands as an operator runs them again: each finds what it would make, changes nothing
SETUP = {
    "school create (exists)": ["school", "create", "--code", "A", "--name", "A"],
    "class create (exists)": [
        "class", "create", "--school", "A", "--name", "Lá 1", "--grade", "la",
    ],
    "roster import (imported)": ["roster", "import", "roster.csv"],
    "authority create (exists)": ["authority", "create", "Ủy ban nhân dân phường A", "commune"],
    "news add (exists)": ["news", "add", "--school", "A", "--title", "Tin", "--text", "Nội dung"],
    "survey launch (exists)": [
        "survey", "launch", "--school", "A", "--survey", "pulse",
        "--opens", "2099-01-05", "--closes", "2099-01-10",
    ],
    "news list": ["news", "list", "--school", "A"],
    "authority list": ["authority", "list"],
}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=11, help="rounds (the median of them)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hailong-startup-") as folder:
        place = Path(folder)
        env = _env(place)
        (place / "roster.csv").write_text("school,class,grade\nA,Lá 1,la\n", encoding="utf-8")
        hailong = [sys.executable, "-m", "bot"]
        for command in SETUP.values():  # made once: each timed run finds it there
            _check([*hailong, *command], place, env)
        libraries = [sys.executable, "-c", f"import {', '.join(DATABASE_LIBRARIES)}"]
        measured: dict[str, Callable[[], float]] = {
            "python -c pass": lambda: _timed([sys.executable, "-c", "pass"], place, env),
            FLOOR: lambda: _timed(libraries, place, env),
            "hailong --help": lambda: _timed([*hailong, "--help"], place, env),
        }
        for name, command in SETUP.items():
            measured[f"hailong {name}"] = partial(_timed, [*hailong, *command], place, env)
        measured["hailong run → /healthz 200"] = lambda: _until_healthy(place, env)
        for call in measured.values():  # one unmeasured round: caches, bytecode
            call()
        times: dict[str, list[float]] = {name: [] for name in measured}
        for _ in range(args.runs):
            for name, call in measured.items():  # interleaved: a drift hits each alike
                times[name].append(call())
    print(f"machine: {describe()}")
    print(f"bytecode cache on; {args.runs} rounds, wall seconds")
    base = statistics.median(times["python -c pass"])
    floor = statistics.median(times[FLOOR])
    print(f"{'command':36} {'median':>7} {'min':>7} {'max':>7} {'× python':>9} {'× libraries':>12}")
    for name, found in times.items():
        median = statistics.median(found)
        print(
            f"{name:36} {median:7.3f} {min(found):7.3f} {max(found):7.3f}"
            f" {median / base:9.1f} {median / floor:12.2f}"
        )


def _env(place: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("HAILONG_") and k != "PYTHONDONTWRITEBYTECODE"
    }
    env |= {
        "PYTHONPATH": str(ROOT),
        "HAILONG_DATABASE_URL": f"sqlite+aiosqlite:///{place / 'startup.db'}",
        "HAILONG_LOG_LEVEL": "WARNING",
    }
    return env


def _check(command: list[str], place: Path, env: dict[str, str]) -> None:
    subprocess.run(command, cwd=place, env=env, check=True, capture_output=True)


def _timed(command: list[str], place: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=place, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def _until_healthy(place: Path, env: dict[str, str]) -> float:
    """Seconds from starting `hailong run` to its first 200 on /healthz; then stops it."""
    port = _free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=place,
        env=env | {"HAILONG_HTTP_PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while time.perf_counter() - started < HEALTHZ_LIMIT_S:
            if process.poll() is not None:
                raise RuntimeError(f"hailong run ended with status {process.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    if r.status == 200:
                        return time.perf_counter() - started
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.005)  # polling a process we do not control: nothing to wait on
        raise RuntimeError(f"/healthz did not answer within {HEALTHZ_LIMIT_S} s")
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


if __name__ == "__main__":
    main()
