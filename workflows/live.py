"""Live team work: a cheap token that changes with what any member (or the CLI) writes, and the
project's activity feed (who did what, when, with a link to the place), from the audit log and
the ingest log.

Streamlit has no push channel, so the app polls ``change_token`` every few seconds
(``ui/live.py``) and reruns a session's page only when it changed. The token is a handful of
``MAX(id)``/``COUNT`` reads on indexed tables: cheap enough for every open session to ask for it
every two seconds.
"""

from __future__ import annotations

from pathlib import PurePath

import pandas as pd
import sqlite_utils

import coding
import corpus
from projectfile import actor

FEED_COLUMNS = ["id", "at", "who", "what", "document_id", "char_start", "char_end", "link"]
_SKIPPED = {"quick_key"}  # a coder's own key pins: settings, not team work
_INGESTED = {"ok", "new version"}


def change_token(db: sqlite_utils.Database) -> tuple[int, ...]:
    """Return a tuple that changes when codes, codings, memos or documents change, from any
    process (and stays equal while only reads happen).

    Per member's view: for the member bound to ``db`` (``projectfile.actor``) who does not see
    all, others' work on documents of an open blind round does not change it (the first item,
    the coding counter every coding bumps, is then 0 and the audit log is read as that member
    may see it), so a coder learns nothing of it by polling. ``work_only_changed`` says whether
    two tokens differ in codes, codings and memos alone."""
    bound = actor(db)
    hidden: frozenset[int] | None = frozenset()
    if bound is not None and not bound.sees_all:
        blind = coding.blind_document_ids(db)  # None: every document is blind
        hidden = None if blind is None else frozenset(blind)
    if hidden is None or hidden:
        viewer = bound.name if bound is not None else None
        work = (0, coding.audit_token(db, hidden_documents=hidden, viewer=viewer))
    else:
        work = (coding.change_counter(db), coding.audit_token(db))  # memos, rounds, members
    return (*work, *corpus.documents_token(db), *coding.members_token(db))


def work_only_changed(seen: tuple, now: tuple) -> bool:
    """Return True when two change tokens differ only in codes, codings and memos (documents and
    members are as they were), so a page may redraw just the parts showing those."""
    return len(seen) == len(now) and tuple(seen[2:]) == tuple(now[2:])


def team_sees_others(db: sqlite_utils.Database, document_id: int) -> bool:
    """Return True when the project is a team's (it has members) and the member bound to ``db``
    may see the others' codings on ``document_id`` now (it is in no open blind round, or they
    see all): the Code page then shows every coder's codings as they come."""
    if not coding.has_members(db):
        return False
    bound = actor(db)
    if bound is None or bound.sees_all:
        return True
    blind = coding.blind_document_ids(db)  # None: every document is blind
    return blind is not None and int(document_id) not in blind


def activity_feed(
    db: sqlite_utils.Database,
    limit: int = 200,
    since_id: int | None = None,
    hidden_documents: set[int] | frozenset[int] | None = None,
    viewer: str | None = None,
) -> pd.DataFrame:
    """Return the project's activity, newest first: ``FEED_COLUMNS``.

    ``who`` is the member (an ingest records no member: ''), ``what`` one line in words (no
    document text, no memo text), ``link`` the Code page's address of the place
    (``code?at=doc:start-end``) or '' when the change has no place. Work of others on
    ``hidden_documents`` (for ``viewer``) is left out; by default those are, for the member
    bound to ``db`` who does not see all (``projectfile.actor``), the documents of open blind
    rounds."""
    titles = _titles(db)
    if hidden_documents is None:
        hidden_documents, viewer = _blind_for(db, titles, viewer)
    rows = coding.activity_frame(
        db, since_id=since_id, limit=limit, hidden_documents=hidden_documents, viewer=viewer
    )
    rows = rows[~rows["entity"].isin(_SKIPPED)]
    out = [
        {
            "id": int(r.id),
            "at": r.at,
            "who": r.coder,
            "what": _what(r, titles),
            "document_id": r.document_id,
            "char_start": r.char_start,
            "char_end": r.char_end,
        }
        for r in rows.itertuples()
    ]
    if since_id is None:
        out += _ingests(db, limit, titles, hidden_documents)
    feed = pd.DataFrame(out, columns=FEED_COLUMNS[:-1])
    if feed.empty:
        return pd.DataFrame(columns=FEED_COLUMNS)
    feed = feed.sort_values(["at", "id"], ascending=False, kind="stable").head(limit)
    for col in ("document_id", "char_start", "char_end"):
        feed[col] = feed[col].astype("Int64")
    feed["link"] = [
        place_link(d, s, e) for d, s, e in zip(feed.document_id, feed.char_start, feed.char_end)
    ]
    return feed[FEED_COLUMNS].reset_index(drop=True)


def place_link(document_id, start=None, end=None) -> str:
    """Return the Code page's address of a span (``code?at=doc:start-end``), '' without one."""
    if any(v is None or pd.isna(v) for v in (document_id, start, end)) or int(end) <= int(start):
        return ""
    return f"code?at={int(document_id)}:{int(start)}-{int(end)}"


def _blind_for(db, titles: dict[int, str], viewer: str | None) -> tuple[frozenset[int], str | None]:
    """The documents whose others' work the bound member may not see now, and that member."""
    bound = actor(db)
    if bound is None or bound.sees_all:
        return frozenset(), viewer
    blind = coding.blind_document_ids(db)  # None: the whole project is blind
    return frozenset(titles if blind is None else blind), bound.name


def _titles(db: sqlite_utils.Database) -> dict[int, str]:
    docs = corpus.list_documents(db, include_old=True)
    return {int(i): str(t) for i, t in zip(docs["id"], docs["title"])}


def _ingests(db, limit: int, titles: dict[int, str], hidden) -> list[dict]:
    log = corpus.ingest_log(db, limit=limit)
    log = log[log["status"].isin(_INGESTED)]
    out = []
    for n, r in enumerate(log.itertuples()):
        doc = int(r.document_id) if pd.notna(r.document_id) else None
        name = titles.get(doc) if doc is not None else None
        what = f"added “{name or PurePath(str(r.path)).name}”"
        if r.status != "ok":
            what += f" ({r.status})"
        out.append(
            {
                "id": -n - 1,  # after audit rows of the same second
                "at": r.at,
                "who": "",
                "what": what,
                "document_id": doc,
                "char_start": None,
                "char_end": None,
            }
        )
    return out


def _what(r, titles: dict[int, str]) -> str:
    """One line saying what an audit row did, in words."""
    doc = titles.get(int(r.document_id)) if pd.notna(r.document_id) else None
    where = f" in “{doc}”" if doc else ""
    code = f"“{r.code_path}”" if r.code_path else "a code"
    detail = r.detail or {}
    verb = {"create": "", "delete": "removed ", "restore": "restored ", "update": "changed "}
    if r.action in ("undo", "redo"):
        return ("undid" if r.action == "undo" else "redid") + f" a change{where}"
    if r.entity == "codings":
        if r.action == "create":
            return f"coded {code}{where}"
        if r.action == "update" and "code_id" in detail:
            return f"recoded a coding to {code}{where}"
        if r.action == "update" and ("char_start" in detail or "char_end" in detail):
            return f"moved a coding of {code}{where}"
        if r.action == "update" and "memo" in detail:
            return f"wrote a memo on a coding of {code}{where}"
        return f"{verb.get(r.action, r.action + ' ')}a coding of {code}{where}"
    if r.entity == "memos":
        on = where.replace(" in ", " on ") if doc else (f" on {code}" if r.code_path else "")
        return {"create": "wrote a memo", "delete": "deleted a memo"}.get(
            r.action, f"{verb.get(r.action, r.action + ' ')}a memo"
        ) + on
    if r.entity == "codes":
        if r.action == "create":
            return f"created the code {code}"
        if r.action == "update" and "name" in detail:
            old = detail["name"][0] if isinstance(detail["name"], list) else ""
            return f"renamed the code “{old}” to {code}"
        if r.action == "update" and "parent_id" in detail:
            return f"moved the code {code}"
        if r.action == "delete":
            return f"moved the code {code} to the trash"
        if r.action == "purge":
            return "emptied a code from the trash"
        return f"{verb.get(r.action, r.action + ' ')}the code {code}"
    if r.entity == "coding_batches":
        n = detail.get("codings") or detail.get("count")
        return (
            "auto-coded"
            + (f" {n} passages" if n else "")
            + (f" with {code}" if r.code_path else "")
        )
    if r.entity == "cases":
        return "merged two cases" if "merged_into" in detail else "deleted a case"
    if r.entity == "blind_round":
        label = f" “{detail['label']}”" if detail.get("label") else ""
        if r.action == "open":
            return f"opened the comparison of the blind round{label}"
        return f"started the blind round{label}"
    if r.entity == "member":
        name, role = detail.get("name", ""), detail.get("role")
        if r.action == "add":
            return f"added {name} as {role}"
        if r.action == "delete":
            return f"removed {name} from the members"
        return f"made {name} {role[-1] if isinstance(role, list) else role}"
    if r.entity == "coding_reviews":
        return f"settled a coding left on an old version{where}"
    return f"{r.action} {r.entity}{where}"
