"""Applying a reviewed de-identification: new pseudonymized versions with an offset map, key and log files."""

from __future__ import annotations

import bisect
import csv
import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import sqlite_utils

from corpus.model import Document, Segment, sha256_bytes
from corpus.store import delete_document, get_document, get_segments, get_text, store_document
from projectfile import backup_project, now_iso, open_project, project_path, transaction

Progress = Callable[[int, int, str], None]


def offset_map(spans: list[tuple[int, int, int]]) -> Callable[[int], int]:
    """Return old offset -> new offset for replacements (start, end, length of the replacement) sorted by start.

    An offset at a replaced name's start maps to the replacement's start; one inside or at its end maps
    to the replacement's end, so a coded span that covered a name covers its pseudonym.
    """
    starts, ends, new_starts, new_ends, shifts = [], [], [], [], []
    shift = 0
    for s, e, n in spans:
        starts.append(s)
        ends.append(e)
        new_starts.append(s + shift)
        new_ends.append(s + shift + n)
        shift += n - (e - s)
        shifts.append(shift)

    def map_offset(o: int) -> int:
        i = bisect.bisect_right(starts, o) - 1
        if i < 0:
            return o
        if o == starts[i]:
            return new_starts[i]
        if o < ends[i]:
            return new_ends[i]
        return o + shifts[i]

    return map_offset


def _accepted_spans(rows: pd.DataFrame) -> list[tuple[int, int, str, str, str]]:
    """Return (start, end, original, pseudonym, source) of accepted rows, sorted, overlaps dropped (first wins)."""
    out: list[tuple[int, int, str, str, str]] = []
    for r in rows.sort_values(["char_start", "char_end"], ascending=[True, False]).itertuples():
        if not bool(r.accept) or not str(r.pseudonym).strip():
            continue
        if out and r.char_start < out[-1][1]:
            continue
        out.append(
            (
                int(r.char_start),
                int(r.char_end),
                str(r.original),
                str(r.pseudonym).strip(),
                str(r.source),
            )
        )
    return out


def replace_spans(
    text: str, spans: list[tuple[int, int, str, str, str]]
) -> tuple[str, Callable[[int], int]]:
    """Return (new text with each span replaced by ``[pseudonym]``, the offset map)."""
    parts, pos, sizes = [], 0, []
    for s, e, original, pseudonym, _ in spans:
        if text[s:e].casefold() != original.casefold():
            raise ValueError(
                f"review row at {s}-{e} says {original!r} but the text there is {text[s:e]!r}"
            )
        parts += [text[pos:s], f"[{pseudonym}]"]
        sizes.append((s, e, len(pseudonym) + 2))
        pos = e
    parts.append(text[pos:])
    return "".join(parts), offset_map(sizes)


def _replace_names(label: str, mapping: dict[str, str]) -> str:
    from .deid import _occurrences

    folded = {k.casefold(): v for k, v in mapping.items()}
    spans = [
        (s, e, o, folded[o.casefold()], "")
        for s, e, o, _ in _occurrences(label, {k: "PERSON" for k in mapping})
    ]
    return replace_spans(label, spans)[0] if spans else label


def apply_review(
    db: sqlite_utils.Database,
    review: pd.DataFrame,
    key_file: str | Path | None = None,
    log_file: str | Path | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Write a pseudonymized new version of every transcript with accepted rows, in one transaction.

    Returns old_document_id, new_document_id, title, replacements, codings_moved. Codings move with their
    words (``coding.move_codings``); cases named after a person are renamed to the pseudonym; the key file
    (real name -> pseudonym) and the replacement log are written next to the project, never into it.
    """
    from .deid import key_path_for, load_key, log_path_for

    base = project_path(db) or Path("project")
    key_file = Path(key_file or key_path_for(base))
    log_file = Path(log_file or log_path_for(base))
    accepted = review[review["accept"].astype(bool)] if len(review) else review
    if len(accepted):
        backup_project(db, reason="before-pseudonymization")
    key = load_key(key_file)
    for r in accepted.itertuples():
        section = "people" if r.label == "PERSON" else "organisations"
        key[section].setdefault(str(r.original), str(r.pseudonym))
    mapping = {k: v for sec in ("people", "organisations") for k, v in key[sec].items()}
    key_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = key_file.with_name(key_file.name + ".part")
    tmp.write_text(json.dumps(key, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
    os.chmod(tmp, 0o600)  # the key is personal data: readable by its owner only
    tmp.replace(
        key_file
    )  # the key first: a failed apply leaves a harmless unused entry, never a lost key

    results, log_rows = [], []
    groups = list(accepted.groupby("document_id")) if len(accepted) else []
    with transaction(db):
        for i, (doc_id, rows) in enumerate(groups):
            doc_id = int(doc_id)
            spans = _accepted_spans(rows)
            new_id, moved = _new_version(db, doc_id, spans, mapping)
            results.append(
                {
                    "old_document_id": doc_id,
                    "new_document_id": new_id,
                    "title": rows["document_title"].iloc[0],
                    "replacements": len(spans),
                    "codings_moved": moved,
                }
            )
            log_rows += [(now_iso(), doc_id, new_id, s, e, o, p, src) for s, e, o, p, src in spans]
            if progress:
                progress(i + 1, len(groups), str(rows["document_title"].iloc[0]))
        _rename_cases(db, mapping)
    new_log = not log_file.exists()
    with open(
        os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600),
        "a",
        newline="",
        encoding="utf-8",
    ) as fh:
        w = csv.writer(fh)
        if new_log:
            w.writerow(
                [
                    "at",
                    "old_document_id",
                    "new_document_id",
                    "char_start",
                    "char_end",
                    "original",
                    "pseudonym",
                    "source",
                ]
            )
        w.writerows(log_rows)
    return pd.DataFrame(
        results,
        columns=["old_document_id", "new_document_id", "title", "replacements", "codings_moved"],
    )


def _new_version(
    db: sqlite_utils.Database, doc_id: int, spans, mapping: dict[str, str]
) -> tuple[int, int]:
    text = get_text(db, doc_id)
    new_text, map_offset = replace_spans(text, spans)
    old = get_document(db, doc_id)
    segs = get_segments(db, doc_id)
    new_segments = []
    for s in segs.itertuples():
        data = json.loads(s.data or "{}")
        if data.get("speaker"):
            data["speaker"] = _replace_names(data["speaker"], mapping)
        if "label_start" in data:
            data["label_start"] = map_offset(data["label_start"])
        new_segments.append(
            Segment(map_offset(s.char_start), map_offset(s.char_end), s.kind, s.page, data)
        )
    meta = dict(old["metadata"], pseudonymized_from=doc_id)
    doc = Document(
        text=new_text,
        title=old["title"],
        source_name=old["source_name"],
        kind=old["kind"],
        file_type=old["file_type"],
        segments=new_segments,
        sha256=sha256_bytes(new_text.encode("utf-8")),
        size=len(new_text.encode("utf-8")),
        language=old["language"],
        date=old["date"],
        warnings=["pseudonymized version"],
        metadata=meta,
    )
    new_id = store_document(db, doc, segment_language=False)
    fmt = db.execute(
        "SELECT format, encoding FROM transcripts WHERE document_id = ?", [doc_id]
    ).fetchone()
    db.execute(
        "INSERT INTO transcripts (document_id, format, encoding, source_document_id, pseudonymized, imported_at)"
        " VALUES (?, ?, ?, ?, 1, ?)",
        [new_id, fmt[0] if fmt else "plain", fmt[1] if fmt else None, doc_id, now_iso()],
    )
    speaker_map = {}
    for sid, label, role, case_id in db.execute(
        "SELECT id, label, role, case_id FROM speakers WHERE document_id = ?", [doc_id]
    ).fetchall():
        speaker_map[sid] = db.execute(
            "INSERT INTO speakers (document_id, label, role, case_id) VALUES (?, ?, ?, ?)",
            [new_id, _replace_names(label, mapping), role, case_id],
        ).lastrowid
    turns = db.execute(
        "SELECT turn_no, char_start, char_end, speaker_id, t_start, t_end, language FROM turns"
        " WHERE document_id = ?",
        [doc_id],
    ).fetchall()
    db.conn.executemany(
        "INSERT INTO turns (document_id, turn_no, char_start, char_end, speaker_id, t_start, t_end, language)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (new_id, no, map_offset(s), map_offset(e), speaker_map.get(sp), ts, te, lang)
            for no, s, e, sp, ts, te, lang in turns
        ],
    )
    moved = 0
    try:
        from coding import move_codings  # noqa: PLC0415  (optional: coding may be absent)
    except ImportError:
        move_codings = None
    if move_codings is not None:
        moved = int(move_codings(db, doc_id, new_id, map_offset) or 0)
    return new_id, moved


def _rename_cases(db: sqlite_utils.Database, mapping: dict[str, str]) -> None:
    """Rename cases called by a real name (or holding one) to the pseudonym; merge into an existing pseudonym case."""
    from .cases import merge_cases

    for case_id, name in db.execute("SELECT id, name FROM cases").fetchall():
        folded = {k.casefold(): v for k, v in mapping.items()}
        new = folded.get(name.casefold()) or _replace_names(name, mapping).replace("[", "").replace(
            "]", ""
        )
        if new == name:
            continue
        other = db.execute(
            "SELECT id FROM cases WHERE name = ? COLLATE NOCASE AND id != ?", [new, case_id]
        ).fetchone()
        if other:
            merge_cases(db, other[0], case_id)
        else:
            db.execute("UPDATE cases SET name = ? WHERE id = ?", [new, case_id])


def pseudonymize(
    db: sqlite_utils.Database,
    names: list[str] = (),
    organisations: list[str] = (),
    pattern: str = "Expert {n}",
    org_pattern: str = "Organisation {n}",
    use_ner: bool = True,
    review: pd.DataFrame | None = None,
    document_ids: list[int] | None = None,
    key_file: str | Path | None = None,
    log_file: str | Path | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Find names (unless a reviewed table is given) and apply every accepted replacement; return apply_review's table."""
    from .deid import find_names

    if review is None:
        review = find_names(
            db, document_ids, names, organisations, pattern, org_pattern, use_ner, key_file
        )
    return apply_review(db, review, key_file, log_file, progress)


def shareable_copy(db: sqlite_utils.Database, dest: str | Path) -> Path:
    """Write a copy of the project without the earlier (real-name) versions of pseudonymized transcripts; return it.

    The copy is made with SQLite's backup API, the originals are deleted (with their segments, turns and FTS
    entries) and the file is vacuumed so no deleted text stays in free pages. Other packages' free text
    (memos, code definitions) is not changed: review it before sharing.
    """
    dest = Path(dest)
    if dest.exists():
        raise FileExistsError(f"{dest}: already exists")
    target = sqlite3.connect(str(dest))
    try:
        db.conn.backup(target)
    finally:
        target.close()
    copy = open_project(dest)
    try:
        old = copy.execute(
            "SELECT DISTINCT d.id FROM documents d JOIN transcripts t ON t.document_id = d.id"
            " WHERE d.is_current = 0 OR d.id IN (SELECT source_document_id FROM transcripts WHERE pseudonymized = 1)"
        ).fetchall()
        for (doc_id,) in old:
            delete_document(copy, doc_id)
        copy.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        copy.conn.execute("VACUUM")
    finally:
        copy.conn.close()
    return dest
