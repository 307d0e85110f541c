"""CLI commands of ``coding``: codes (list/add/import/export), code, codings, agreement, memos,
undo/redo."""

from __future__ import annotations

import argparse
import sys

from projectfile import add_format_option, fail, print_frame

from .edit_commands import register_review


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "codes", parents=[common], help="the codebook: list, add, import or export (CSV)"
    )
    csub = p.add_subparsers(dest="codes_command", required=True)
    q = csub.add_parser("list", parents=[common], help="list codes with counts")
    add_format_option(q)
    q.set_defaults(func=cmd_codes_list)
    q = csub.add_parser("add", parents=[common], help="add a code by path, e.g. 'Funding > Public'")
    q.add_argument("path")
    q.add_argument("--color", default=None)
    q.add_argument("--definition", default="")
    q.add_argument("--coder", default="default")
    q.set_defaults(func=cmd_codes_add)
    q = csub.add_parser(
        "import", parents=[common], help="import a codebook CSV (path, name, definition, color)"
    )
    q.add_argument("file")
    q.add_argument("--coder", default="default")
    q.set_defaults(func=cmd_codes_import)
    q = csub.add_parser("snapshot", parents=[common], help="save the codebook under a name")
    q.add_argument("name")
    q.add_argument("--coder", default="default")
    q.set_defaults(func=cmd_codes_snapshot)
    q = csub.add_parser("compare", parents=[common], help="what changed between two snapshots")
    q.add_argument("a")
    q.add_argument("b", nargs="?", help="default: the codebook now")
    add_format_option(q)
    q.set_defaults(func=cmd_codes_compare)
    q = csub.add_parser("history", parents=[common], help="the codebook's changes, oldest first")
    q.add_argument("--since", help="only the changes after this named snapshot")
    add_format_option(q)
    q.set_defaults(func=cmd_codes_history)
    q = csub.add_parser("export", parents=[common], help="export the codebook as CSV")
    q.add_argument("--out", required=True)
    q.set_defaults(func=cmd_codes_export)

    p = sub.add_parser("code", parents=[common], help="code a span of a document")
    p.add_argument("--document", type=int, required=True)
    p.add_argument("--start", type=int, required=True)
    p.add_argument("--end", type=int, required=True)
    p.add_argument("--code", required=True, help="code id or path 'A > B'")
    p.add_argument("--coder", default="default")
    p.add_argument("--memo", default=None)
    p.set_defaults(func=cmd_code)

    p = sub.add_parser("codings", parents=[common], help="list codings (retrieval)")
    p.add_argument("--code", action="append", help="code id or path (repeatable)")
    p.add_argument("--children", action="store_true", help="include the codes' descendants")
    p.add_argument("--coder", action="append")
    p.add_argument("--document", action="append", type=int)
    p.add_argument(
        "--all-versions",
        action="store_true",
        help="also list codings left on earlier versions of edited documents (history)",
    )
    add_format_option(p)
    p.set_defaults(func=cmd_codings)

    p = sub.add_parser(
        "agreement", parents=[common], help="agreement between coders per code and overall"
    )
    p.add_argument("--unit", choices=["char", "sentence", "paragraph", "turn"], default="char")
    p.add_argument("--coder", action="append", help="coders to compare (default: all)")
    p.add_argument("--code", action="append", help="code id or path (repeatable; default: all)")
    p.add_argument("--children", action="store_true", help="include the codes' descendants")
    p.add_argument("--document", action="append", type=int, help="document id (repeatable)")
    p.add_argument("--disagreements", action="store_true", help="list each disagreement instead")
    add_format_option(p)
    p.set_defaults(func=cmd_agreement)

    p = sub.add_parser("memos", parents=[common], help="list or search memos, or add one")
    p.add_argument("--search", default=None, help="full-text search over memos")
    p.add_argument("--add", default=None, metavar="TEXT", help="write a memo")
    p.add_argument(
        "--target", choices=["project", "document", "code", "case", "coding"], default=None
    )
    p.add_argument("--id", default=None, help="id of the document/case/coding, or the code path")
    p.add_argument("--author", default="default")
    add_format_option(p)
    p.set_defaults(func=cmd_memos)

    for name, helptext in (
        ("undo", "undo your last coding action"),
        ("redo", "redo your last undone action"),
    ):
        p = sub.add_parser(name, parents=[common], help=helptext)
        p.add_argument("--coder", default="default")
        p.set_defaults(func=cmd_undo if name == "undo" else cmd_redo)
    p = sub.add_parser(
        "check",
        parents=[common],
        help="check the project's consistency (offsets, versions, missing rows, SQLite's checks)",
    )
    add_format_option(p)
    p.set_defaults(func=cmd_check)
    register_review(sub, common)


def _db(args):
    from projectfile import open_project

    return open_project(args.project, create=False)


def cmd_codes_list(args) -> int:
    from .code_counts import codes_frame

    df = codes_frame(_db(args))
    if args.format == "table":
        df = df[["id", "path", "color", "codings", "documents", "cases", "definition"]]
    print_frame(df, args.format, raw=args.raw)
    return 0


def cmd_codes_add(args) -> int:
    from .codes import ensure_code_path, find_path

    db = _db(args)
    if find_path(db, args.path):
        return fail(f"a code '{args.path}' already exists", 2)
    cid = ensure_code_path(db, args.path, coder=args.coder, color=args.color)
    if args.definition:
        from .codebook import update_code

        update_code(db, cid, args.coder, definition=args.definition)
    print(cid)
    return 0


def cmd_codes_import(args) -> int:
    from .codebook_csv import import_codebook_csv

    n = import_codebook_csv(_db(args), args.file, coder=args.coder)
    print(f"imported {n} codes from {args.file}")
    return 0


def cmd_codes_snapshot(args) -> int:
    from .codebook_history import snapshot_codebook

    sid = snapshot_codebook(_db(args), args.name, args.coder)
    print(f"saved codebook snapshot '{args.name}' (#{sid})")
    return 0


def cmd_codes_compare(args) -> int:
    from .codebook_history import compare_snapshots

    print_frame(compare_snapshots(_db(args), args.a, args.b), args.format, raw=args.raw)
    return 0


def cmd_codes_history(args) -> int:
    from .codebook_history import codebook_history_frame

    print_frame(codebook_history_frame(_db(args), args.since), args.format, raw=args.raw)
    return 0


def cmd_codes_export(args) -> int:
    from .codebook_csv import export_codebook_csv

    n = export_codebook_csv(_db(args), args.out)
    print(f"wrote {n} codes to {args.out}")
    return 0


def cmd_code(args) -> int:
    from .codings import code_span

    def notify(message: str) -> None:  # on stderr: stdout stays the coding id alone
        print(message, file=sys.stderr)

    db = _db(args)
    print(
        code_span(
            db,
            args.document,
            args.start,
            args.end,
            args.code,
            args.coder,
            memo=args.memo,
            notify=notify,
        )
    )
    return 0


def cmd_check(args) -> int:
    """Print the project's inconsistencies; 0 when there are none, 1 otherwise."""
    from .consistency import check_project

    problems = check_project(_db(args))
    if problems.empty:
        print("the project is consistent: no problems found")
        return 0
    print_frame(problems, args.format, raw=args.raw)
    print(f"{len(problems)} problems", file=sys.stderr)
    return 1


def cmd_codings(args) -> int:
    from .codings import codings_frame

    df = codings_frame(
        _db(args),
        codes=args.code,
        children=args.children,
        coders=args.coder,
        documents=args.document,
        versions="all" if args.all_versions else "current",
    )
    if args.format == "table":
        df = df[
            ["coding_id", "document_id", "char_start", "char_end", "code_path", "coder", "text"]
        ]
    print_frame(df, args.format, raw=args.raw)
    return 0


def cmd_agreement(args) -> int:
    """Print agreement per code and overall (or each disagreement), and the line naming the
    documents compared and left out (on stderr for csv/json, so stdout stays data)."""
    from .agreement import agreement, disagreements
    from .agreement_text import agreement_summary, agreement_table
    from .scope import Scope

    db = _db(args)
    scope = Scope.of(
        coders=args.coder, codes=args.code, children=args.children, documents=args.document
    )
    if args.disagreements:
        print_frame(disagreements(db, scope, unit=args.unit), args.format, raw=args.raw)
        return 0
    df = agreement(db, scope, unit=args.unit)
    if args.format == "table":
        print_frame(agreement_table(df), args.format, raw=args.raw)
        print(agreement_summary(df))
        return 0
    stats = ["percent_agreement", "kappa", "alpha"]
    df[stats] = df[stats].round(4) + 0.0  # + 0.0: a figure that rounds to zero is 0.0, not -0.0
    print_frame(df, args.format, raw=args.raw)
    print(agreement_summary(df), file=sys.stderr)
    return 0


def cmd_memos(args) -> int:
    from .memos import add_memo, memos_frame

    db = _db(args)
    if args.add is not None:
        print(add_memo(db, args.add, args.author, args.target or "project", args.id))
        return 0
    df = memos_frame(
        db,
        target=args.target,
        target_id=int(args.id) if args.id and args.id.isdigit() else None,
        query=args.search,
    )
    print_frame(df, args.format, raw=args.raw)
    return 0


def cmd_undo(args) -> int:
    from .history import undo

    label = undo(_db(args), args.coder)
    print(f"undone: {label}" if label else "nothing to undo")
    return 0


def cmd_redo(args) -> int:
    from .history import redo

    label = redo(_db(args), args.coder)
    print(f"redone: {label}" if label else "nothing to redo")
    return 0
