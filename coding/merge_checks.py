"""Checks a merge makes on what it brings in: every incoming coding's span against the text it
was made on and against the text it lands on (``coding.merge_project`` leaves a bad row out and
names it in the report; the rest comes in)."""

from __future__ import annotations

import sqlite_utils

from projectfile import CODE_DEPTH, QdaError, check_limit, check_rows

from .spans import span_problem


def incoming_span(coding_id: int, start: int, end: int, other_text: str, source: str) -> str | None:
    """Return why the coding ``coding_id`` of the file ``source`` cannot be merged, or None."""
    problem = span_problem(start, end, len(other_text))
    if problem is None:
        return None
    return (
        f"coding {coding_id} in {source}: [{start}, {end}) is not inside its document"
        f" ({len(other_text)} characters there); check that project (cli.py check)"
    )


def landed_span(coding_id: int, span: tuple[int, int], local_text: str, source: str) -> str | None:
    """Return why the mapped span of coding ``coding_id`` of ``source`` does not fit this
    project's text, or None."""
    problem = span_problem(span[0], span[1], len(local_text))
    if problem is None:
        return None
    return f"coding {coding_id} in {source}: mapped here to {problem}"


def code_depths(parents: dict[int, int | None]) -> dict[int, int | None]:
    """Return each code's depth (0 at the top) from ``{id: parent_id}``, walking iteratively;
    a code in a cycle of parents, or under a missing parent, gets None."""
    depth: dict[int, int | None] = {}
    for start in parents:
        chain, seen, node = [], set(), start
        while node is not None and node not in depth:
            if node in seen or node not in parents:  # a cycle, or a parent that is not there
                for n in chain:
                    depth[n] = None
                break
            chain.append(node)
            seen.add(node)
            node = parents[node]
        else:
            base = -1 if node is None else depth[node]
            for n in reversed(chain):
                base = None if base is None else base + 1
                depth[n] = base
    return depth


def check_source_codes(db: sqlite_utils.Database, label: str) -> None:
    """Raise ``QdaError`` when the other project's coding tables are over a limit (rows, how deep
    codes nest) or its codes' parents loop; read with cheap queries, before any frame is built."""
    check_rows(db, label, ["coders", "codes", "codings", "memos"])
    parents = dict(db.conn.execute("SELECT id, parent_id FROM codes").fetchall())
    depths = code_depths(parents)
    broken = [i for i, d in depths.items() if d is None]
    if broken:
        raise QdaError(
            f"{label}: {len(broken):,} code(s) have parents that loop or are missing (e.g. code"
            f" {broken[0]}), so the codebook is damaged; check that project (cli.py check)"
        )
    deepest = max(depths.values(), default=-1) + 1
    check_limit(label, CODE_DEPTH, "its codebook", deepest, verb="nests")
