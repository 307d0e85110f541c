"""Checks a merge makes on what it brings in: every incoming coding's span against the text it
was made on and against the text it lands on (``coding.merge_project`` leaves a bad row out and
names it in the report; the rest comes in)."""

from __future__ import annotations

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
