"""Where a coding may go: the one bounds check every write path uses, and carrying a coding aimed
at a superseded version to the current one through the edits' mappings.

``place`` runs inside the writer's transaction (``BEGIN IMMEDIATE``), so no edit can supersede the
document between the check and the insert: a coding lands on the current version or is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlite_utils

from corpus import (
    current_version,
    get_document,
    get_text,
    text_length,
    text_mapping,
    version_chain,
)

from .history import CodingError
from .states import CodingScope

Notify = Callable[[str], None]


def span_problem(start: int, end: int, length: int) -> str | None:
    """Return why ``[start, end)`` cannot be a span of a text of ``length`` characters, or None."""
    if not (0 <= int(start) < int(end) <= int(length)):
        return f"span [{start}, {end}) is not inside its text (0..{length}) or is empty"
    return None


def check_span(
    db: sqlite_utils.Database, document_id: int, start: int, end: int, where: str = ""
) -> None:
    """Raise CodingError unless ``0 <= start < end <= len(text)`` of document ``document_id``."""
    n = text_length(db, document_id)
    if span_problem(start, end, n):
        prefix = f"{where}: " if where else ""
        raise CodingError(
            f"{prefix}span [{start}, {end}) is not inside document {document_id} (0..{n})"
            " or is empty"
        )


@dataclass
class Placed:
    """Where a coding goes: the document (the current version) and its span there."""

    document_id: int
    start: int
    end: int
    requested_id: int

    @property
    def carried(self) -> bool:
        """True when the coding was aimed at a superseded version and carried forward."""
        return self.document_id != self.requested_id

    def message(self) -> str:
        """What a person is told when the coding was carried."""
        return (
            f"coded on the current version {self.document_id}"
            f" (document {self.requested_id} was superseded)"
        )


def place(
    db: sqlite_utils.Database,
    document_id: int,
    start: int,
    end: int,
    scope: str = CodingScope.SPAN,
    cache: dict | None = None,
) -> Placed:
    """Return where a coding of ``[start, end)`` (or the whole document) aimed at ``document_id``
    goes: there when current, else on the current version through each edit's mapping.

    The span is checked against the text it was aimed at; CodingError names the current version
    when the words are no longer there. Call inside the write transaction; ``cache`` keeps
    lengths, versions, texts and diffs across the calls of one transaction (a batch).
    """
    document_id, start, end = int(document_id), int(start), int(end)
    cache = {} if cache is None else cache

    def memo(key: tuple, compute: Callable[[], object]):
        if key not in cache:
            cache[key] = compute()
        return cache[key]

    n = memo(("length", document_id), lambda: text_length(db, document_id))
    if scope == CodingScope.DOCUMENT:
        start, end = 0, n
    elif problem := span_problem(start, end, n):
        raise CodingError(f"document {document_id}: {problem}")
    if memo(("current", document_id), lambda: get_document(db, document_id)["is_current"]):
        return Placed(document_id, start, end, document_id)
    target = memo(("target", document_id), lambda: current_version(db, document_id))
    chain = memo(("chain", target), lambda: version_chain(db, target))
    if document_id not in chain:
        raise CodingError(
            f"document {document_id} is an earlier version and is not in the chain of the current"
            f" version {target}; code document {target}"
        )
    s, e = start, end
    prev = document_id
    old_text = memo(("text", prev), lambda: get_text(db, prev))
    for nxt in chain[chain.index(document_id) + 1 :]:
        new_text = memo(("text", nxt), lambda: get_text(db, nxt))  # noqa: B023 (called at once)
        if scope == CodingScope.DOCUMENT:
            span = (0, len(new_text))
        else:
            mapping = memo((prev, nxt), lambda: text_mapping(old_text, new_text))  # noqa: B023
            span = mapping.span(s, e, old_text, new_text)
        if span is None:
            raise CodingError(
                f"document {document_id} was superseded by document {target} and the words of"
                f" [{start}, {end}) are not in it; code the current version {target}"
            )
        s, e = span
        prev, old_text = nxt, new_text
    if problem := span_problem(s, e, len(old_text)):
        raise CodingError(f"document {target}: {problem}")
    return Placed(target, s, e, document_id)
