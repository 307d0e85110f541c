"""Command-line output: tables as table/csv/json, tqdm progress bars, errors on stderr."""

from __future__ import annotations

import contextlib
import json
import sys

import pandas as pd

FORMATS = ("table", "csv", "json")


def add_format_option(parser) -> None:
    """Add ``--format table|csv|json`` to an argparse parser."""
    parser.add_argument(
        "--format", choices=FORMATS, default="table", help="output format (default: table)"
    )


def print_frame(df: pd.DataFrame, fmt: str = "table", max_width: int = 60) -> None:
    """Print a DataFrame as an aligned table, CSV or JSON records on stdout."""
    if fmt == "csv":
        df.to_csv(sys.stdout, index=False)
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
