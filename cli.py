"""Command line of the workbench: ``python cli.py COMMAND --project FILE ...``.

Each package adds its commands in ``<package>/commands.py`` (a ``register(sub, common)``
function); every command is a thin wrapper over the package's Python functions.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

COMMAND_PACKAGES = ("corpus", "interviews", "coding", "nlp", "exports")
DEFAULT_PROJECT = os.environ.get("QDA_PROJECT", "project.qda.sqlite")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every package's commands registered."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--project",
        default=DEFAULT_PROJECT,
        help="project file (default: $QDA_PROJECT or project.qda.sqlite)",
    )
    common.add_argument("--quiet", action="store_true", help="no progress bars")
    parser = argparse.ArgumentParser(prog="cli.py", description="Qualitative research workbench")
    sub = parser.add_subparsers(dest="command", required=True)
    for pkg in COMMAND_PACKAGES:
        try:
            module = importlib.import_module(f"{pkg}.commands")
        except ModuleNotFoundError as exc:
            if exc.name in (f"{pkg}.commands", pkg):
                continue
            raise
        module.register(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    from corpus.model import ParseError
    from projectfile import ProjectError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (ProjectError, ParseError, FileNotFoundError, KeyError, ValueError) as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        print(f"error: {msg}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # output piped into e.g. `head`: stop quietly, as Unix tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
