"""Who may change what in a project: roles, the policy, and the guard every write passes.

Roles are owner, editor, coder and viewer. ``editor`` is the research assistant a real team has:
imports, transcribes and corrects texts, keeps cases and attributes tidy, but does not manage
members, restructure the codebook, merge, de-identify or restore. Packages declare what each write
is (``projectfile.writes(op)``); ``attach(db, name)`` binds the member to a connection and installs
the guard, which checks the outermost declared op against ``POLICY`` before anything is written.
A write that declares no op is refused for anyone but an owner (fail closed). The UI and the CLI
both attach; hiding a button is only a courtesy on top.

A project without members is its desk's: at a local desk (and from the command line) the person
is owner, as before roles existed; on an exposed server only the ``admins`` act, as owners, until
they add members.
"""

from __future__ import annotations

import dataclasses
from enum import StrEnum

import sqlite_utils

from coding import add_member, ensure_coder, has_members, member_role, owners
from projectfile import WriteRefused, add_write_guard, bind_actor, open_project


class Role(StrEnum):
    """A member's role, weakest first."""

    VIEWER = "viewer"
    CODER = "coder"
    EDITOR = "editor"
    OWNER = "owner"


RANK = {Role.VIEWER: 0, Role.CODER: 1, Role.EDITOR: 2, Role.OWNER: 3}

# op -> the weakest role that may do it; an op not listed here is an owner's
POLICY: dict[str, Role] = {
    "derived": Role.VIEWER,  # search index, embedding/vector caches written while reading
    "identity": Role.VIEWER,  # a member's own coder row
    "keys": Role.CODER,
    "code": Role.CODER,
    "memo": Role.CODER,
    "propose_code": Role.CODER,
    "documents": Role.EDITOR,
    "cases": Role.EDITOR,
    "entities": Role.EDITOR,
    "topics": Role.EDITOR,
    "codebook": Role.OWNER,
    "settings": Role.OWNER,
    "members": Role.OWNER,
    "blind": Role.OWNER,
    "consensus": Role.OWNER,
    "merge": Role.OWNER,
    "deidentify": Role.OWNER,
    "backup": Role.OWNER,
    "code.others": Role.OWNER,
    "memo.others": Role.OWNER,
}

WHAT = {
    "derived": "updating the search index",
    "identity": "registering as a coder",
    "keys": "pinning quick keys",
    "code": "coding",
    "memo": "writing memos",
    "propose_code": "proposing codes",
    "documents": "adding, correcting or deleting documents",
    "cases": "changing cases, speakers and attributes",
    "entities": "changing entities",
    "topics": "changing topics",
    "codebook": "changing the codebook's structure",
    "settings": "changing the project's settings",
    "members": "managing members",
    "blind": "starting or opening blind rounds",
    "consensus": "deciding consensus",
    "merge": "merging projects",
    "deidentify": "de-identifying",
    "backup": "making or restoring backups",
    "code.others": "changing another member's codings",
    "memo.others": "changing another member's memos",
    "": "this change",
}


class AccessDenied(WriteRefused):
    """A write the member's role does not allow; says who they are and who may."""


@dataclasses.dataclass(frozen=True)
class Actor:
    """A member at work: their name, their role (None: not a member) and whose name they write."""

    name: str
    role: Role | None
    speaks_for: str | None = None

    @property
    def sees_all(self) -> bool:
        """True when this member sees every coder's work, blind rounds included (owners)."""
        return self.role == Role.OWNER


def can(actor: Actor, op: str) -> bool:
    """Return True when ``actor`` may make a write of kind ``op`` (for the UI to hide the rest)."""
    if actor.role is None:
        return op == "derived"
    need = POLICY.get(op, Role.OWNER)
    return RANK[actor.role] >= RANK[need]


def actor_for(
    db: sqlite_utils.Database,
    name: str | None,
    memberless: Role | None = Role.OWNER,
    admins: tuple[str, ...] = (),
) -> Actor:
    """Return the Actor for ``name``: their member role, or in a project without members
    ``memberless`` (OWNER at a local desk, None on an exposed server) unless they are an admin."""
    name = (name or "").strip()
    if not name:
        return Actor("", None)
    if has_members(db):
        role = member_role(db, name)
        return Actor(name, Role(role) if role else None)
    if name in admins:
        return Actor(name, Role.OWNER)
    return Actor(name, memberless)


def refusal(db: sqlite_utils.Database, actor: Actor, op: str) -> str:
    """Return the plain-language refusal of ``op`` for ``actor``."""
    what = WHAT.get(op, f"this change ({op})")
    need = POLICY.get(op, Role.OWNER)
    who = ", ".join(owners(db)) if need == Role.OWNER else ""
    for_whom = f"{need.value}s and above" if need != Role.OWNER else "owners"
    if who:
        for_whom += f" ({who})"
    if actor.role is None and not actor.name:
        return (
            f"Signed in without a name (the shared password), so this project is read only here: "
            f"{what} needs a personal sign-in of a member. Nothing was changed."
        )
    if actor.role is None and not has_members(db):
        return (
            f"This project has no members yet: on a shared server only the admins named under "
            f"[auth] admins in the server's secrets change it until they add members, and "
            f"{actor.name} is not one ({what} was refused). Nothing was changed."
        )
    if actor.role is None:
        return (
            f"{actor.name or 'Nobody signed in'} is not a member of this project: {what} is for "
            f"{for_whom}. Nothing was changed."
        )
    return (
        f"{actor.name} is {_article(actor.role)} {actor.role.value} here: {what} is for "
        f"{for_whom}. Nothing was changed."
    )


def _article(role: Role) -> str:
    return "an" if role.value[0] in "aeiou" else "a"


def guard_for(actor: Actor):
    """Return the write guard enforcing ``actor``'s role (``projectfile.add_write_guard``)."""

    def guard(db: sqlite_utils.Database, ops: tuple[str, ...]) -> None:
        # the outermost op says what the change is; an op opened inside it for another
        # member's work (``*.others``) must be allowed too
        for op in [ops[0] if ops else "", *(o for o in ops[1:] if o.endswith(".others"))]:
            if not can(actor, op):
                raise AccessDenied(refusal(db, actor, op))
        op = ops[0] if ops else ""
        if (
            actor.speaks_for
            and actor.speaks_for != actor.name
            and actor.role != Role.OWNER
            and op != "derived"
        ):
            raise AccessDenied(
                f"{actor.name} is {_article(actor.role)} {actor.role.value} here: only owners "
                f"write in another coder's name ({actor.speaks_for}). Nothing was changed."
            )

    return guard


def attach(
    db: sqlite_utils.Database,
    name: str | None,
    memberless: Role | None = Role.OWNER,
    admins: tuple[str, ...] = (),
    speaks_for: str | None = None,
) -> Actor:
    """Bind the member ``name`` to ``db`` and enforce their role on every write; return them."""
    actor = actor_for(db, name, memberless, admins)
    if speaks_for:
        actor = dataclasses.replace(actor, speaks_for=speaks_for.strip())
    add_write_guard(db, "access", guard_for(actor), early=True)
    bind_actor(db, actor.name, sees_all=actor.sees_all, permits=lambda op: can(actor, op))
    return actor


def attach_cli(
    db: sqlite_utils.Database,
    name: str,
    created: bool,
    claim: bool = False,
    speaks_for: str | None = None,
) -> Actor:
    """Attach the command line's member; a project this run created (``created``) with a named
    member (``claim``) records them as its owner."""
    actor = attach(db, name, speaks_for=speaks_for)
    if created and claim and actor.role == Role.OWNER:
        _claim(db, name)
    return actor


def _claim(db: sqlite_utils.Database, name: str) -> None:
    """Record ``name`` as the owner of a project that has no members yet (its creator)."""
    if not has_members(db):
        ensure_coder(db, name)
        add_member(db, name, Role.OWNER.value, by=name)


def create_owned_project(path, name: str) -> None:
    """Create the project file ``path`` and record ``name`` as its owner.

    On a shared server a signed-in member who creates a project owns it, as in Taguette; without
    this the new project would have no members and only the server's admins could change it.
    ``path`` must not exist yet (``workflows.project_path(..., create=True)`` checks that)."""
    name = (name or "").strip()
    if not name:
        raise ValueError("a project created on a shared server needs the creator's name")
    db = open_project(path)
    try:
        attach(db, name)  # the creator of a project without members acts as its owner
        _claim(db, name)
    finally:
        db.conn.close()
