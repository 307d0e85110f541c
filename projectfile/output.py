"""Command-line output: tables as table/csv/json, tqdm progress bars, errors on stderr.

Every CSV the workbench writes (command output, attribute and codebook files, evidence tables)
goes through ``neutralise_formulas``: a cell a spreadsheet would run as a formula starts with
``'`` unless the person asks for ``--raw`` text; ``restore_formulas`` undoes it when such a file
is read back.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys

import pandas as pd

FORMATS = ("table", "csv", "json")
# OWASP's CSV-injection characters (= + - @, tab, carriage return) and the full-width forms of
# = + - @: a spreadsheet may run a cell that starts with one of them, or with blanks or line
# breaks before one of = + - @
FORMULA_CHARS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
FORMULA_START = (*FORMULA_CHARS, "\t", "\r")
RAW_HELP = (
    "CSV: write cells exactly as they are (by default a cell starting with = + - @, or with"
    " blanks or a line break before one, is prefixed with ' so spreadsheets do not run it as a"
    " formula)"
)
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def defuse_cell(value):
    """Return ``value`` with a leading ``'`` when a spreadsheet would run it as a formula.

    Text starting with = + - @ (or their full-width forms), a tab or a carriage return, or with
    spaces or line breaks before one of = + - @, is defused; a plain number
    written as text ("-3", "+1.5") and anything that is not text stay as they are.
    """
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_START) or value.lstrip().startswith(FORMULA_CHARS):
        if _NUMBER.fullmatch(value):
            return value
        return "'" + value
    return value


def restore_cell(value):
    """Return a cell read from one of our CSV files as it was before ``defuse_cell``."""
    if isinstance(value, str) and value.startswith("'") and defuse_cell(value[1:]) == value:
        return value[1:]
    return value


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``df`` with every text cell and header passed through ``defuse_cell``.

    Numbers stay numbers (a negative number is not text).
    """
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(defuse_cell)
    out.columns = [defuse_cell(c) for c in out.columns]
    return out


def frame_to_csv(df: pd.DataFrame, raw: bool = False, **to_csv) -> str:
    """Return ``df`` as CSV text (no index), formula-like cells defused unless ``raw``."""
    return (df if raw else neutralise_formulas(df)).to_csv(index=False, **to_csv)


def add_format_option(parser) -> None:
    """Add ``--format table|csv|json`` and ``--raw`` to an argparse parser."""
    parser.add_argument(
        "--format", choices=FORMATS, default="table", help="output format (default: table)"
    )
    parser.add_argument("--raw", action="store_true", help=RAW_HELP)


def print_frame(
    df: pd.DataFrame, fmt: str = "table", max_width: int = 60, raw: bool = False
) -> None:
    """Print a DataFrame as an aligned table, CSV (formulas defused unless ``raw``) or JSON
    records on stdout."""
    if fmt == "csv":
        sys.stdout.write(frame_to_csv(df, raw=raw))
    elif fmt == "json":
        print(
            json.dumps(
                json.loads(df.to_json(orient="records", force_ascii=False)),
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        if df.empty:
            print("(nothing)")
            return
        shown = df.copy()
        for col in shown.columns:
            if shown[col].dtype == object:
                shown[col] = shown[col].map(lambda v: _clip(v, max_width))
        print(shown.to_string(index=False))


def _clip(value, width: int):
    if not isinstance(value, str):
        return value
    value = " ".join(value.split())
    return value if len(value) <= width else value[: width - 1] + "…"


@contextlib.contextmanager
def tqdm_progress(desc: str, disable: bool = False):
    """Yield a ``progress(done, total, message)`` callback drawn as a tqdm bar on stderr."""
    from tqdm import tqdm

    bar = tqdm(total=0, desc=desc, unit="file", file=sys.stderr, disable=disable)

    def progress(done: int, total: int, message: str = "") -> None:
        if bar.total != total:
            bar.total = total
        bar.n = done
        bar.set_postfix_str(message[-40:], refresh=False)
        bar.refresh()

    try:
        yield progress
    finally:
        bar.close()


def fail(message: str, code: int = 1) -> int:
    """Print an error to stderr and return the exit code to use."""
    print(f"error: {message}", file=sys.stderr)
    return code


def command_group(sub, name: str, help_text: str, dest: str | None = None):
    """Return the sub-command action of group ``name`` (``cli.py NAME ...``), creating it once.

    Several packages add commands to one group: a higher package adds the commands that compose
    a lower one's work with its own (``interviews pseudonymize`` lives in ``deid``).
    """
    groups = sub.__dict__.setdefault("_qda_groups", {})
    if name not in groups:
        parser = sub.add_parser(name, help=help_text)
        groups[name] = parser.add_subparsers(dest=dest or f"{name}_command", required=True)
    return groups[name]
