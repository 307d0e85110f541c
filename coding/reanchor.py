"""Correcting a coded document: a new version, with codings, memos and turns following the words.

``edit_document`` writes the corrected text as the next version (``corpus.store_version``, or for
a transcript a re-parse stored by ``interviews.store_transcript``, so a new speaker label makes a
new turn) and moves the codings and their memos through ``corpus.text_mapping`` in one undoable
action. A coding whose words were deleted stays on the old version and gets a row in
``coding_reviews`` ("3 codings need a new place"): ``reanchor`` gives it a place in the new text,
``discard_review`` leaves it behind. ``follow_new_versions`` does the same for a corrected file
re-ingested under the same name. Undo (``coding.undo``) removes the new version and its codings;
the previous version is current again.
"""

from __future__ import annotations

import bisect
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import sqlite_utils

from corpus import (
    DuplicateDocument,
    TextMapping,
    current_version,
    document_titles,
    get_document,
    get_segments,
    get_text,
    list_documents,
    normalize_text,
    store_version,
    text_mapping,
)
from interviews import (
    carry_turn_times,
    cases_frame,
    parse_transcript,
    rename_case,
    speakers_frame,
    store_transcript,
    transcripts_frame,
)
from projectfile import NotFound, now_iso, writes

from .blind import add_blind_versions
from .codes import code_paths
from .codings import _check_span
from .history import CodingError, Recorder, recorded
from .states import CodingScope, ReviewStatus

REVIEW_COLUMNS = [
    "review_id",
    "coding_id",
    "old_document_id",
    "new_document_id",
    "document_title",
    "code_path",
    "coder",
    "char_start",
    "char_end",
    "text",
    "reason",
    "suggested_start",
    "suggested_end",
    "context",
]
CONTEXT = 160  # characters of the new version shown each side of where the deleted words were
_LINE_START = re.compile(r"^", re.M)


@dataclass
class EditResult:
    """What an edit did: the new version, codings moved, codings to review, turns, renames."""

    old_document_id: int
    new_document_id: int | None = None
    codings_moved: int = 0
    needs_review: int = 0
    memos_moved: int = 0
    turns: int = 0
    changes: int = 0
    renamed_speakers: dict[str, str] = field(default_factory=dict)

    @property
    def unchanged(self) -> bool:
        """True when the text was the same (nothing written)."""
        return self.new_document_id is None

    def summary(self) -> str:
        """One line for a person."""
        if self.unchanged:
            return f"document {self.old_document_id}: no change to the text, nothing written"
        out = (
            f"document {self.old_document_id} -> new version {self.new_document_id}:"
            f" {self.changes} changes, {self.codings_moved} codings moved"
        )
        if self.needs_review:
            out += f", {self.needs_review} codings need a new place (see the review)"
        if self.renamed_speakers:
            out += "; renamed " + ", ".join(f"{a} -> {b}" for a, b in self.renamed_speakers.items())
        return out


@writes("documents")
def edit_document(
    db: sqlite_utils.Database,
    document_id: int,
    new_text: str,
    coder: str,
    session: str | None = None,
) -> EditResult:
    """Store ``new_text`` as the next version of document ``document_id``; move what it holds.

    One transaction and one undoable action (label "edit <title>"). Line ends, a BOM and Unicode
    form are normalised first, so a re-saved copy of the same text changes nothing.
    """
    document_id = int(document_id)
    doc = get_document(db, document_id)
    if not doc["is_current"]:
        raise CodingError(
            f"document {document_id} ({doc['title']}) is an earlier version; edit the current one"
            f" (document {current_version(db, document_id)})"
        )
    old_text = get_text(db, document_id)
    new_text = normalize_text(new_text).lstrip("\ufeff")
    result = EditResult(document_id)
    if new_text == old_text or not new_text.strip():
        if not new_text.strip():
            raise CodingError(f"the new text of {doc['title']!r} is empty; nothing written")
        return result
    typed = text_mapping(old_text, new_text)  # one diff (outside the write lock), reused
    try:
        with recorded(db, coder, f"edit {doc['title']}", session) as rec:
            if doc["kind"] == "interview":
                new_id = _store_transcript_edit(db, rec, doc, old_text, new_text, typed, result)
            else:
                new_id = store_version(db, document_id, new_text, typed)
            stored = get_text(db, new_id)
            mapping = typed if stored == new_text else text_mapping(old_text, stored)
            if doc["kind"] == "interview":  # exact times follow their turns (labels: seconds)
                carry_turn_times(db, document_id, new_id, mapping.start)
            result.new_document_id = new_id
            result.changes = len(mapping.changes())
            result.turns = len(get_segments(db, new_id, kind="turn"))
            carry(db, rec, document_id, new_id, old_text, stored, mapping, result)
            add_blind_versions(db, {document_id: new_id})  # an edited blind document stays blind
            rec.extra["version"] = [document_id, new_id]
    except DuplicateDocument as exc:
        if exc.document_id == document_id:  # re-laid out to the very same text
            return EditResult(document_id)
        raise CodingError(
            f"this text is already document {exc.document_id} in the project; open that one"
        ) from exc
    return result


def carry(
    db: sqlite_utils.Database,
    rec: Recorder,
    old_id: int,
    new_id: int,
    old_text: str,
    new_text: str,
    mapping: TextMapping,
    result: EditResult,
) -> None:
    """Copy the codings (and their memos), document memos and open reviews of ``old_id`` to
    ``new_id`` through ``mapping``; codings whose words went get a review row."""
    stamp = now_iso()
    rows = db.execute(
        "SELECT id, scope, char_start, char_end, code_id, coder_id, created_at, memo, weight,"
        " batch_id FROM codings WHERE document_id = ? AND deleted_at IS NULL ORDER BY id",
        [old_id],
    ).fetchall()
    moved: dict[int, int] = {}
    for cid, scope, s, e, code_id, coder_id, created, memo, weight, batch in rows:
        if scope == CodingScope.DOCUMENT:
            span = (0, len(new_text))
        else:
            span = mapping.span(s, e, old_text, new_text)
        if span is None:
            rec.insert(
                "coding_reviews",
                {
                    "coding_id": cid,
                    "old_document_id": old_id,
                    "new_document_id": new_id,
                    "reason": "its words were deleted from the new version",
                    "created_at": stamp,
                },
            )
            result.needs_review += 1
            continue
        dup = db.execute(
            "SELECT id FROM codings WHERE document_id = ? AND scope = ? AND char_start = ?"
            " AND char_end = ? AND code_id = ? AND coder_id = ? AND deleted_at IS NULL",
            [new_id, scope, span[0], span[1], code_id, coder_id],
        ).fetchone()
        if dup:
            moved[cid] = dup[0]
            continue
        moved[cid] = rec.insert(
            "codings",
            {
                "document_id": new_id,
                "scope": scope,
                "char_start": span[0],
                "char_end": span[1],
                "code_id": code_id,
                "coder_id": coder_id,
                "created_at": created,
                "memo": memo,
                "weight": weight,
                "batch_id": batch,
            },
        )
        result.codings_moved += 1
    memo_cols = "id, target, document_id, code_id, coding_id, case_id, title, text, author"
    memos = db.execute(
        f"SELECT {memo_cols}, created_at, updated_at FROM memos WHERE deleted_at IS NULL AND"
        " (document_id = ? OR coding_id IN (SELECT id FROM codings WHERE document_id = ?))",
        [old_id, old_id],
    ).fetchall()
    for _mid, target, doc_id, code_id, coding_id, case_id, title, text, author, c, u in memos:
        if coding_id is not None and coding_id not in moved:
            continue  # stays with its coding on the old version until it is re-anchored
        rec.insert(
            "memos",
            {
                "target": target,
                "document_id": new_id if doc_id is not None else None,
                "code_id": code_id,
                "coding_id": moved.get(coding_id) if coding_id is not None else None,
                "case_id": case_id,
                "title": title,
                "text": text,
                "author": author,
                "created_at": c,
                "updated_at": u,
            },
        )
        result.memos_moved += 1
    for (rid,) in db.execute(
        "SELECT id FROM coding_reviews WHERE new_document_id = ?"
        f" AND status = '{ReviewStatus.OPEN}'",
        [old_id],
    ).fetchall():
        rec.update("coding_reviews", rid, new_document_id=new_id)
        result.needs_review += 1


def _store_transcript_edit(
    db: sqlite_utils.Database,
    rec: Recorder,
    doc: dict,
    old_text: str,
    new_text: str,
    mapping: TextMapping,
    result: EditResult,
) -> int:
    """Re-parse an edited transcript and store it as the next version; return its id.

    Speakers keep their roles and cases; a label replaced everywhere by a new one is a renamed
    speaker (its case is renamed too when it was named after the speaker); a new label is a new
    speaker with the usual case rule.
    """
    old_id = int(doc["id"])
    name = str(doc["source_name"])
    tr = parse_transcript(Path(name).stem + ".txt", data=new_text.encode("utf-8"))
    tr.name = name
    old_speakers = speakers_frame(db, [old_id])
    roles = dict(zip(old_speakers["speaker"], old_speakers["role"]))
    cases = {
        sp: (None if pd.isna(c) else str(c))
        for sp, c in zip(old_speakers["speaker"], old_speakers["case_name"])
    }
    renames = _renamed_speakers(db, old_id, mapping, new_text, tr)
    for old_label, new_label in renames.items():
        roles[new_label] = roles.get(old_label, "other")
        case_name = cases.get(old_label)
        if case_name and case_name.casefold() == old_label.casefold():
            taken = cases_frame(db)
            if not (taken["name"].str.casefold() == new_label.casefold()).any():
                case_id = int(taken.loc[taken["name"] == case_name, "case_id"].iloc[0])
                rename_case(db, case_id, new_label)
                rec.extra.setdefault("case_renames", []).append([case_id, case_name, new_label])
            case_name = new_label
        cases[new_label] = case_name
    result.renamed_speakers = renames
    cases = {k: v for k, v in cases.items() if k in tr.speakers}
    roles = {k: v for k, v in roles.items() if k in tr.speakers}
    data = new_text.encode("utf-8")
    rows = transcripts_frame(db)
    row = rows[rows["document_id"] == old_id]
    # an edit of a pseudonymized transcript is still one (and names the same real-name original)
    pseudo = bool(len(row)) and bool(row["pseudonymized"].iloc[0])
    source = row["source_document_id"].iloc[0] if pseudo else None
    source = None if source is None or pd.isna(source) else int(source)
    for _ in range(8):
        try:
            return store_transcript(
                db,
                tr,
                data,
                title=doc["title"],
                roles=roles,
                cases=cases,
                source_document_id=source,
                pseudonymized=pseudo,
            )
        except DuplicateDocument as exc:
            if exc.document_id == old_id:
                raise
            data += b"\n"  # an earlier version had these bytes: same text, a distinct version
    raise CodingError(f"could not store the edit of {doc['title']!r}")


def _renamed_speakers(
    db: sqlite_utils.Database, old_id: int, mapping: TextMapping, new_text: str, tr
) -> dict[str, str]:
    """Return {old label: new label} for labels replaced everywhere by one new label."""
    line_starts = [m.start() for m in _LINE_START.finditer(new_text)]
    starts = [line_starts[t.line - 1] if 0 < t.line <= len(line_starts) else -1 for t in tr.turns]
    if any(s < 0 for s in starts) or starts != sorted(starts):
        return {}
    votes: dict[str, Counter] = {}
    for row in get_segments(db, old_id, kind="turn").itertuples():
        data = json.loads(row.data or "{}")
        speaker = data.get("speaker")
        if not speaker:
            continue
        at = mapping.start(int(row.char_start))
        i = bisect.bisect_right(starts, at) - 1
        if i >= 0 and tr.turns[i].speaker:
            votes.setdefault(speaker, Counter())[tr.turns[i].speaker] += 1
    old_labels, new_labels = set(votes), set(tr.speakers)
    out = {}
    for old_label, counter in votes.items():
        new_label, n = counter.most_common(1)[0]
        if (
            old_label not in new_labels
            and new_label not in old_labels
            and n * 2 > sum(counter.values())
            and new_label not in out.values()
        ):
            out[old_label] = new_label
    return out


@writes("documents")
def follow_new_versions(
    db: sqlite_utils.Database,
    document_ids: list[int] | None = None,
    coder: str = "system",
    session: str | None = None,
) -> list[EditResult]:
    """Carry codings from the previous version to each new version (a corrected file re-ingested
    under the same name) that has none yet; return one EditResult per document carried."""
    current = list_documents(db)
    ids = [int(i) for i in current["id"]]
    if document_ids is not None:
        wanted = {int(i) for i in document_ids}
        ids = [i for i in ids if i in wanted]
    has_codings = {
        r[0]
        for r in db.execute(
            "SELECT DISTINCT document_id FROM codings WHERE document_id IS NOT NULL"
        ).fetchall()
    }
    active = {
        r[0]
        for r in db.execute(
            "SELECT DISTINCT document_id FROM codings"
            " WHERE document_id IS NOT NULL AND deleted_at IS NULL"
        ).fetchall()
    }
    reviewed = {r[0] for r in db.execute("SELECT new_document_id FROM coding_reviews").fetchall()}
    out = []
    versions = {i: get_document(db, i)["previous_id"] for i in ids}
    # a new version of a blind document stays blind
    add_blind_versions(db, {old: new for new, old in versions.items() if old is not None})
    for new_id in ids:
        if new_id in has_codings or new_id in reviewed:
            continue
        old_id = versions[new_id]
        if old_id is None or old_id not in active:
            continue
        old_text, new_text = get_text(db, old_id), get_text(db, new_id)
        mapping = text_mapping(old_text, new_text)
        result = EditResult(old_id, new_id, changes=len(mapping.changes()))
        with recorded(db, coder, f"carry codings to document {new_id}", session) as rec:
            carry(db, rec, old_id, new_id, old_text, new_text, mapping, result)
        out.append(result)
    return out


def review_frame(db: sqlite_utils.Database, document_id: int | None = None) -> pd.DataFrame:
    """Return the open reviews (REVIEW_COLUMNS): codings whose words an edit deleted.

    ``text`` is the coded text on the old version; ``suggested_start``/``_end`` is where that text
    is found again in the new version (-1 when it is not); ``context`` is the new version's text
    around the place the words were.
    """
    sql = (
        "SELECT r.id AS review_id, r.coding_id, r.old_document_id, r.new_document_id,"
        " '' AS document_title, c.code_id, k.name AS coder, c.char_start, c.char_end,"
        " '' AS text, r.reason"
        " FROM coding_reviews r JOIN codings c ON c.id = r.coding_id"
        " JOIN coders k ON k.id = c.coder_id"
        f" WHERE r.status = '{ReviewStatus.OPEN}' AND c.deleted_at IS NULL"
    )
    params: list = []
    if document_id is not None:
        sql += " AND r.new_document_id = ?"
        params.append(int(document_id))
    sql += " ORDER BY r.new_document_id, c.char_start"
    df = pd.read_sql_query(sql, db.conn, params=params)
    # titles and texts are corpus's: through its front door, for both versions still there
    titles = document_titles(db, set(df["new_document_id"]) | set(df["old_document_id"]))
    df = df[df["new_document_id"].isin(titles) & df["old_document_id"].isin(titles)]
    df = df.reset_index(drop=True)
    df["document_title"] = df["new_document_id"].map(titles)
    texts: dict[int, str] = {}
    df["text"] = [
        texts.setdefault(int(d), get_text(db, int(d)))[int(s) : int(e)]
        for d, s, e in zip(df["old_document_id"], df["char_start"], df["char_end"])
    ]
    paths = code_paths(db, include_deleted=True)
    df["code_path"] = df["code_id"].map(paths)
    mappings: dict[tuple[int, int], TextMapping] = {}
    sugg_s, sugg_e, contexts = [], [], []
    for r in df.itertuples():
        new = texts.setdefault(r.new_document_id, get_text(db, r.new_document_id))
        at = new.find(r.text) if r.text else -1
        sugg_s.append(at)
        sugg_e.append(at + len(r.text) if at >= 0 else -1)
        pair = (int(r.old_document_id), int(r.new_document_id))
        if pair not in mappings:
            old = texts.setdefault(pair[0], get_text(db, pair[0]))
            mappings[pair] = text_mapping(old, new)
        where = mappings[pair].start(int(r.char_start))
        a, b = max(0, where - CONTEXT), min(len(new), where + CONTEXT)
        contexts.append(("…" if a else "") + new[a:b] + ("…" if b < len(new) else ""))
    df["suggested_start"], df["suggested_end"], df["context"] = sugg_s, sugg_e, contexts
    return df[REVIEW_COLUMNS]


def _open_review(db: sqlite_utils.Database, review_id: int) -> tuple:
    row = db.execute(
        "SELECT r.coding_id, r.new_document_id, c.code_id, k.name, c.memo FROM coding_reviews r"
        " JOIN codings c ON c.id = r.coding_id JOIN coders k ON k.id = c.coder_id"
        f" WHERE r.id = ? AND r.status = '{ReviewStatus.OPEN}'",
        [int(review_id)],
    ).fetchone()
    if row is None:
        raise NotFound(f"no open review {review_id}")
    return row


@writes("code")
def reanchor(
    db: sqlite_utils.Database,
    review_id: int,
    start: int,
    end: int,
    coder: str,
    session: str | None = None,
) -> int:
    """Give a reviewed coding its new place ``[start, end)`` in the new version; return the new
    coding id (same code and coder as before; undoable)."""
    with recorded(db, coder, "re-anchor coding", session) as rec:
        # read and checked in the write transaction: an edit cannot move the review in between
        coding_id, new_doc, code_id, _coder, memo = _open_review(db, review_id)
        _check_span(db, new_doc, start, end, where=f"review {review_id}")
        old = db.execute(
            "SELECT coder_id, created_at, weight FROM codings WHERE id = ?", [coding_id]
        ).fetchone()
        new_id = rec.insert(
            "codings",
            {
                "document_id": new_doc,
                "scope": CodingScope.SPAN,
                "char_start": int(start),
                "char_end": int(end),
                "code_id": code_id,
                "coder_id": old[0],
                "created_at": old[1],
                "memo": memo,
                "weight": old[2],
            },
        )
        rec.update(
            "coding_reviews",
            int(review_id),
            status=ReviewStatus.REANCHORED,
            new_coding_id=new_id,
            resolved_at=now_iso(),
        )
    return new_id


@writes("code")
def discard_review(
    db: sqlite_utils.Database, review_id: int, coder: str, session: str | None = None
) -> None:
    """Leave a reviewed coding on the old version only (it stays there, in the audit log too)."""
    _open_review(db, review_id)
    with recorded(db, coder, "discard coding from new version", session) as rec:
        rec.update(
            "coding_reviews", int(review_id), status=ReviewStatus.DISCARDED, resolved_at=now_iso()
        )
