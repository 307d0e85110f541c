"""CLI commands of team work: ``members`` (list, add, role, remove), ``blind`` (start, open,
status) and ``consensus`` (list, decide). Each acts as the run's member (``--as``), whose role
``workflows.access`` checks on every write."""

from __future__ import annotations

import argparse

from coding import (
    DECISIONS,
    ROLES,
    Scope,
    add_member,
    blind_frame,
    consensus_frame,
    decide,
    members_frame,
    open_comparison,
    remove_member,
    set_role,
    start_blind,
)
from projectfile import NotFound, add_format_option, open_project, print_frame


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the team commands to the CLI."""
    p = sub.add_parser("members", parents=[common], help="a project's members and their roles")
    msub = p.add_subparsers(dest="members_command", required=True)
    q = msub.add_parser("list", parents=[common], help="list members and roles")
    add_format_option(q)
    q.set_defaults(func=cmd_members_list)
    q = msub.add_parser("add", parents=[common], help="add a member (owners only)")
    q.add_argument("name")
    q.add_argument("role", choices=ROLES)
    q.set_defaults(func=cmd_members_add)
    q = msub.add_parser("role", parents=[common], help="give a member another role")
    q.add_argument("name")
    q.add_argument("role", choices=ROLES)
    q.set_defaults(func=cmd_members_role)
    q = msub.add_parser("remove", parents=[common], help="remove a member (their work stays)")
    q.add_argument("name")
    q.set_defaults(func=cmd_members_remove)

    p = sub.add_parser("blind", parents=[common], help="blind coding rounds (owners)")
    bsub = p.add_subparsers(dest="blind_command", required=True)
    q = bsub.add_parser("start", parents=[common], help="start a blind round")
    q.add_argument("--label", default="")
    q.add_argument(
        "--document", type=int, action="append", help="document id (repeatable; default: all)"
    )
    q.set_defaults(func=cmd_blind_start)
    q = bsub.add_parser("open", parents=[common], help="open a round's comparison")
    q.add_argument("round", type=int)
    q.set_defaults(func=cmd_blind_open)
    q = bsub.add_parser("status", parents=[common], help="list blind rounds")
    add_format_option(q)
    q.set_defaults(func=cmd_blind_status)

    p = sub.add_parser("consensus", parents=[common], help="decide disagreements of two coders")
    csub = p.add_subparsers(dest="consensus_command", required=True)
    for name, helptext in (("list", "list disagreements and decisions"), ("decide", "decide")):
        q = csub.add_parser(name, parents=[common], help=helptext)
        q.add_argument("--coder", action="append", help="the two coders (default: the two)")
        q.add_argument("--document", type=int, action="append")
        if name == "list":
            add_format_option(q)
            q.set_defaults(func=cmd_consensus_list)
        else:
            q.add_argument("item", type=int, help="row number from `consensus list`")
            q.add_argument("decision", choices=DECISIONS)
            q.add_argument("--span", default=None, help="START-END for an edited decision")
            q.set_defaults(func=cmd_consensus_decide)


def _db(args):
    return open_project(args.project, create=False)


def cmd_members_list(args) -> int:
    print_frame(members_frame(_db(args)), args.format, raw=args.raw)
    return 0


def cmd_members_add(args) -> int:
    add_member(_db(args), args.name, args.role, by=args.member)
    print(f"{args.name} is {args.role}")
    return 0


def cmd_members_role(args) -> int:
    set_role(_db(args), args.name, args.role, by=args.member)
    print(f"{args.name} is {args.role}")
    return 0


def cmd_members_remove(args) -> int:
    remove_member(_db(args), args.name, by=args.member)
    print(f"{args.name} is no longer a member")
    return 0


def cmd_blind_start(args) -> int:
    round_id = start_blind(_db(args), args.label, args.document, by=args.member)
    print(f"blind round {round_id} started")
    return 0


def cmd_blind_open(args) -> int:
    open_comparison(_db(args), args.round, by=args.member)
    print(f"blind round {args.round} opened: everyone sees everyone's work there")
    return 0


def cmd_blind_status(args) -> int:
    print_frame(blind_frame(_db(args)), args.format, raw=args.raw)
    return 0


def _frame(db, args):
    return consensus_frame(db, Scope.of(coders=args.coder, documents=args.document))


def cmd_consensus_list(args) -> int:
    df = _frame(_db(args), args)
    df.insert(0, "item", range(len(df)))
    print_frame(df.drop(columns=["a_codings", "b_codings"]), args.format, raw=args.raw)
    return 0


def cmd_consensus_decide(args) -> int:
    db = _db(args)
    df = _frame(db, args)
    if not 0 <= args.item < len(df):
        raise NotFound(f"no disagreement {args.item} (there are {len(df)})")
    span = None
    if args.span:
        start, _, end = args.span.partition("-")
        span = (int(start), int(end))
    ids = decide(db, df.iloc[args.item], args.decision, by=args.member, span=span)
    print(f"decided: {args.decision}; consensus codings {', '.join(map(str, ids)) or 'none'}")
    return 0
