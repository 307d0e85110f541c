"""The codings of a REFI-QDA export as XML: a span coding as a selection with its ``Coding``, a
whole-document coding, and a coding's memo as a note (text and media sources share them)."""

from __future__ import annotations

from lxml import etree

from .elements import Guids, add_el, dt

# a memo note: guid, title, text, author, created
Note = tuple[str, str, str, str | None, str | None]


def coding_memo(g: Guids, c, notes: list[Note]) -> str | None:
    """Add a coding's memo as a note; return its GUID (None when the coding has no memo)."""
    if not (isinstance(c.memo, str) and c.memo.strip()):
        return None
    guid = g("coding-memo", c.coding_id)
    notes.append((guid, "Coding memo", c.memo, c.coder, c.created_at))
    return guid


def add_span_coding(
    source: etree._Element,
    g: Guids,
    c,
    refs: dict[tuple[str, int], list[str]],
    notes: list[Note],
    tag: str = "PlainTextSelection",
    **where,
) -> None:
    """Add a coding of a span as a selection: ``PlainTextSelection`` at its characters by
    default, or ``tag`` with the position attributes ``where`` (a ``TranscriptSelection``'s sync
    points)."""
    user = g("user", c.coder)
    if not where:
        where = {"startPosition": int(c.char_start), "endPosition": int(c.char_end)}
    sel = add_el(
        source,
        tag,
        guid=g("selection", c.coding_id),
        **where,
        creatingUser=user,
        creationDateTime=dt(c.created_at),
    )
    coding = add_el(
        sel,
        "Coding",
        guid=g("coding", c.coding_id),
        creatingUser=user,
        creationDateTime=dt(c.created_at),
    )
    add_el(coding, "CodeRef", targetGUID=g("code", c.code_id))
    coding_notes = list(refs.get(("coding", int(c.coding_id)), []))
    memo = coding_memo(g, c, notes)
    if memo:
        coding_notes.insert(0, memo)
    for ref in coding_notes:
        add_el(coding, "NoteRef", targetGUID=ref)


def add_document_coding(source: etree._Element, g: Guids, c, notes: list[Note]) -> None:
    """Add a coding of the whole document."""
    coding = add_el(
        source,
        "Coding",
        guid=g("coding", c.coding_id),
        creatingUser=g("user", c.coder),
        creationDateTime=dt(c.created_at),
    )
    add_el(coding, "CodeRef", targetGUID=g("code", c.code_id))
    memo = coding_memo(g, c, notes)
    if memo:
        add_el(coding, "NoteRef", targetGUID=memo)
