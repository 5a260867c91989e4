"""The one way the `hailong` command reports a mistake: one line on stderr, exit status 2.

A command raises OperatorError (or lets a domain refusal — a LookupError or ValueError such as
"no school with code 'X'" — go up); `bot.cli.main` renders it here, once. Anything else is a bug
or an outage: one line and exit status 1, the traceback only with HAILONG_LOG_LEVEL=DEBUG.
"""

from __future__ import annotations

import argparse
import errno
import sys
import traceback
from pathlib import Path
from typing import NoReturn

from surveys.text import tidy

MISTAKE = 2  # the operator's: as argparse's own
FAILURE = 1  # ours, or the machine's
DEBUG_HINT = "run with HAILONG_LOG_LEVEL=DEBUG for details"


class OperatorError(Exception):
    """A mistake of the operator's: what is wrong and where, then what to do (exit status 2)."""

    def __init__(self, problem: str, fix: str = "") -> None:
        self.problem = problem
        self.fix = fix
        super().__init__(f"{problem}; {fix}" if fix else problem)


class OneLineParser(argparse.ArgumentParser):
    """argparse's parser, but a wrong command line is one line naming the command, not the
    whole usage: the usage is one `--help` away."""

    def error(self, message: str) -> NoReturn:
        self.exit(MISTAKE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def existing_file(text: str) -> Path:
    """An argparse type: a file that is there to be read, else what was looked for and where."""
    path = Path(text)
    if path.is_file():
        return path
    where = path if path.is_absolute() else f"{path} (in {Path.cwd()})"
    if path.is_dir():
        problem = "is a folder, not a file"
    elif path.exists():  # a device, a pipe, a socket
        problem = "is not a regular file"
    else:
        problem = "no such file"
    raise argparse.ArgumentTypeError(f"{where}: {problem}")


def filled(text: str) -> str:
    """An argparse type: a name or code as stored (NFC, single spaces), refused when empty."""
    stored = tidy(text)
    if not stored:
        raise argparse.ArgumentTypeError("it is empty; give it in full")
    return stored


def port(text: str) -> int:
    """An argparse type: a TCP port a server can listen on, 1 to 65535."""
    number = int(text) if text.strip().isdigit() else 0
    if not 1 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port; give a number from 1 to 65535")
    return number


def report(error: BaseException, *, debug: bool) -> int:
    """Prints `error` as one line (after its traceback when debugging); the exit status."""
    if debug:
        traceback.print_exception(error)
    problem = mistake_of(error)
    if problem is not None:
        print(f"hailong: {problem}", file=sys.stderr)
        return MISTAKE
    hint = "" if debug else f"; {DEBUG_HINT}"
    print(
        f"hailong: unexpected {type(error).__name__}: {_first_line(error)}{hint}", file=sys.stderr
    )
    return FAILURE


def mistake_of(error: BaseException) -> str | None:
    """The one line saying what the operator got wrong; None when it is not their mistake."""
    if isinstance(error, OperatorError):
        return one_line(str(error))
    if isinstance(error, OSError) and error.errno == errno.EADDRINUSE:
        return one_line(
            f"{error.strerror or error}; stop what listens there or choose another port"
        )
    if isinstance(error, OSError) and error.filename is not None:
        return one_line(f"{error.filename}: {error.strerror or error}")
    if isinstance(error, KeyError):  # a missing key is a bug: its text is only the key
        return None
    if isinstance(error, LookupError | ValueError):  # the domain refusing what was asked
        return one_line(str(error))
    return None


def one_line(text: str) -> str:
    return " ".join(text.split())


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0][:300] if lines else "(no message)"
