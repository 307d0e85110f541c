"""Command line of the workbench: ``python cli.py COMMAND --project FILE ...``.

Each package adds its commands in ``<package>/commands.py`` (a ``register(sub, common)``
function); every command is a thin wrapper over the package's Python functions, and a command
whose work spans packages (ingest, transcript import, edit, merge, pseudonymize) wraps one use
case of ``workflows``. Errors meant
for the person (``QdaError``) print ``error: <message>`` and exit 2; anything else is a bug and
prints its traceback.
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import argparse
import getpass
import sys
from pathlib import Path

from coding.commands import register as register_coding
from corpus.commands import register as register_corpus
from exports.commands import register as register_exports
from interviews.commands import register as register_interviews
from nlp.commands import register as register_nlp
from projectfile import QdaError, on_open
from workflows import attach_cli, clean_up_killed_runs
from workflows.commands import register as register_workflows

# layer order; a command group shared by two packages (``interviews``, ``import``) is joined
# through projectfile.command_group, never by changing another package's parser or handler
REGISTER = (
    register_corpus,
    register_interviews,
    register_coding,
    register_nlp,
    register_exports,
    register_workflows,
)
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
    common.add_argument(
        "--as",
        dest="as_member",
        metavar="NAME",
        default=None,
        help="act as this member of the project (default: $QDA_MEMBER, else your login name);"
        " a project this command creates gets NAME as its owner",
    )
    parser = argparse.ArgumentParser(prog="cli.py", description="Qualitative research workbench")
    sub = parser.add_subparsers(dest="command", required=True)
    for register in REGISTER:
        register(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code (a bug raises, so its traceback prints)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    for note in clean_up_killed_runs():  # what killed runs left: removed, and said so
        print(f"note: {note}", file=sys.stderr)
    remove_hook = on_open(member_hook(args))
    try:
        return int(args.func(args) or 0)
    except QdaError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # output piped into e.g. `head`: stop quietly, as Unix tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    finally:
        remove_hook()


def member_hook(args: argparse.Namespace):
    """Return the ``projectfile.on_open`` hook that makes this run act as its member (``--as``)
    on the ``--project`` file: their role is checked on every write, ``--coder`` defaults to them,
    and a project the run creates with a named member records them as owner."""
    named = args.as_member or os.environ.get("QDA_MEMBER") or ""
    name = named.strip() or getpass.getuser()
    args.member = name
    coder = getattr(args, "coder", None)
    if isinstance(coder, str) and coder == "default" and named:
        args.coder = coder = name  # --coder follows --as unless given
    project = Path(getattr(args, "project", DEFAULT_PROJECT)).resolve()

    def hook(db, path, created: bool) -> None:
        if Path(path).resolve() == project:
            attach_cli(
                db,
                name,
                created,
                claim=bool(named),
                speaks_for=coder if isinstance(coder, str) else None,
            )

    return hook


if __name__ == "__main__":
    sys.exit(main())
