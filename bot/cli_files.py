"""What every command that writes a file shares: `--out` (the format is its extension) and
`--csv-dialect` (how a CSV is written: for Excel in Vietnamese, or plain RFC 4180)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from bot.cli_errors import OperatorError
from bot.reports.csv_dialects import CSV_DIALECTS, EXCEL_VN, CsvDialect
from bot.reports.formats import FORMATS

DIALECT_HELP = (
    "how a .csv is written: excel-vn (default) opens in Excel set to Vietnamese — UTF-8 with "
    "BOM, ';' between fields, decimal commas; rfc4180 is plain CSV — ',' between fields, "
    "decimal points"
)


def add_output_arguments(parser: argparse.ArgumentParser, formats: Sequence[str]) -> None:
    """`--out FILE` (one of `formats`) and `--csv-dialect`."""
    parser.add_argument("--out", type=Path, required=True, help="FILE" + "|".join(formats))
    parser.add_argument(
        "--csv-dialect", choices=sorted(CSV_DIALECTS), default=EXCEL_VN.name, help=DIALECT_HELP
    )


def checked_out(out: Path, formats: Sequence[str], what: str) -> str:
    """The format `--out` asks for, by its extension; OperatorError, in one line, if `what` (the
    file the command writes) has no such form."""
    suffix = out.suffix.lower()
    if suffix in formats:
        return suffix
    listed = " or ".join([", ".join(formats[:-1]), formats[-1]] if len(formats) > 1 else formats)
    if suffix in FORMATS:
        raise OperatorError(f"--out {out}: {what} has no {suffix} form; use {listed}")
    raise OperatorError(f"--out {out}: use a file ending in {listed}")


def dialect_of(args: argparse.Namespace) -> CsvDialect:
    return CSV_DIALECTS[args.csv_dialect]
