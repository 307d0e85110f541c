"""Applying a reviewed de-identification: pseudonymized new versions, codings moved, key and log.

The key file is written first: a failed apply leaves a harmless unused entry, never a lost key.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import sqlite_utils

from coding import merge_cases, move_codings, rewrite_free_text
from corpus import (
    Document,
    Segment,
    get_document,
    get_segments,
    get_text,
    list_documents,
    set_document_fields,
    sha256_bytes,
    store_document,
)
from interviews import cases_frame, rename_case, store_transcript_version, transcripts_frame
from projectfile import Progress, backup_project, now_iso, project_path, transaction, writes

from .forms import NameForms, fold_text
from .key import append_log, key_path_for, load_key, log_path_for, write_key
from .names import find_names
from .offsets import Span, replace_spans

RESULT_COLUMNS = ["old_document_id", "new_document_id", "title", "replacements", "codings_moved"]


def accepted_spans(rows: pd.DataFrame) -> list[Span]:
    """Return (start, end, original, pseudonym, source) of accepted rows, sorted; overlaps dropped.

    Where two accepted rows overlap, the one starting first (the longer at the same start) wins.
    """
    out: list[Span] = []
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


class Renamer:
    """Replaces every form of every name of a key (``deid.forms``) by ``[pseudonym]``; compiled
    once, called per text. An e-mail address holding no known name is left alone unless
    ``emails``; a form two people share becomes both pseudonyms."""

    def __init__(
        self,
        people: dict[str, str],
        organisations: dict[str, str] | None = None,
        emails: bool = False,
    ):
        self.pseudonyms = {**(organisations or {}), **people}
        self.forms = NameForms(
            {**{n: False for n in organisations or {}}, **{n: True for n in people}}
        )
        self.emails = emails

    def __bool__(self) -> bool:
        return bool(self.forms)

    def pseudonym_of(self, owners: list[str]) -> str:
        """Return the pseudonym a form owned by ``owners`` is replaced with."""
        found = sorted({self.pseudonyms[o] for o in owners if o in self.pseudonyms})
        return " / ".join(found) or "e-mail"

    def __call__(self, text: str) -> str:
        if not isinstance(text, str) or not self:
            return text
        spans = [
            (s, e, text[s:e], self.pseudonym_of(owners), "")
            for s, e, owners in self.forms.find(text, emails=self.emails)
        ]
        return replace_spans(text, spans)[0] if spans else text


def key_renamer(key: dict, emails: bool = False) -> Renamer:
    """Return the Renamer of a key file's people and organisations."""
    return Renamer(key.get("people", {}), key.get("organisations", {}), emails=emails)


def replace_names(label: str, mapping: dict[str, str]) -> str:
    """Return ``label`` with every form of every name of ``mapping`` replaced by
    ``[pseudonym]`` (each name treated as a person's)."""
    return Renamer(mapping)(label)


@writes("deidentify")
def apply_review(
    db: sqlite_utils.Database,
    review: pd.DataFrame,
    key_file: str | Path | None = None,
    log_file: str | Path | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Write a pseudonymized new version of every transcript with accepted rows, in one transaction.

    Returns RESULT_COLUMNS. Codings move with their words (``coding.move_codings``); cases named
    after a person are renamed to the pseudonym; the key file (real name -> pseudonym) and the
    replacement log are written next to the project, never into it.
    """
    base = project_path(db) or Path("project")
    key_file = Path(key_file or key_path_for(base))
    log_file = Path(log_file or log_path_for(base))
    accepted = review[review["accept"].astype(bool)] if len(review) else review
    if len(accepted):
        backup_project(db, reason="before-pseudonymization")
    key = load_key(key_file)
    known = {fold_text(k) for sec in ("people", "organisations") for k in key[sec]}
    for r in accepted.itertuples():
        section = "people" if r.label == "PERSON" else "organisations"
        if fold_text(str(r.original)) not in known:
            key[section][str(r.original)] = str(r.pseudonym).strip()
            known.add(fold_text(str(r.original)))
    mapping = {k: v for sec in ("people", "organisations") for k, v in key[sec].items()}
    rename = key_renamer(key)
    write_key(key_file, key)

    results, log_rows = [], []
    groups = list(accepted.groupby("document_id")) if len(accepted) else []
    done_before = _applied_before(db)
    with transaction(db):
        for i, (doc_id, rows) in enumerate(groups):
            doc_id = int(doc_id)
            if doc_id in done_before:
                # a run stopped after this review was applied (during the shareable copy): the
                # version it wrote stands, so the same command run again goes on from there
                results.append(
                    {
                        "old_document_id": doc_id,
                        "new_document_id": done_before[doc_id],
                        "title": rows["document_title"].iloc[0],
                        "replacements": 0,
                        "codings_moved": 0,
                    }
                )
                continue
            spans = accepted_spans(rows)
            new_id, moved = _new_version(db, doc_id, spans, rename)
            title = rows["document_title"].iloc[0]
            results.append(
                {
                    "old_document_id": doc_id,
                    "new_document_id": new_id,
                    "title": title,
                    "replacements": len(spans),
                    "codings_moved": moved,
                }
            )
            log_rows += [(now_iso(), doc_id, new_id, s, e, o, p, src) for s, e, o, p, src in spans]
            if progress:
                progress(i + 1, len(groups), str(title))
        _rename_cases(db, mapping, rename)
        if mapping:
            deidentify_free_text(db, mapping, people=key["people"])
    append_log(log_file, log_rows)
    return pd.DataFrame(results, columns=RESULT_COLUMNS)


def _applied_before(db: sqlite_utils.Database) -> dict[int, int]:
    """Return {document: its pseudonymized next version} of documents no longer current."""
    tr = transcripts_frame(db, include_old=True)
    current = dict(zip(tr["document_id"].astype(int), tr["is_current"].astype(int)))
    done = tr[(tr["pseudonymized"] == 1) & tr["source_document_id"].notna()]
    return {
        int(src): int(new)
        for new, src in zip(done["document_id"], done["source_document_id"])
        if not current.get(int(src), 1)
    }


@writes("deidentify")
def deidentify_free_text(
    db: sqlite_utils.Database, mapping: dict[str, str], people: dict[str, str] | None = None
) -> int:
    """Replace every real name of ``mapping`` in the free text the project holds besides the
    transcripts: code names and definitions, memos (deleted ones too), coding memos, batch rules,
    and the titles of current documents.  Return the number of fields changed.

    Every form of a name counts (``deid.forms``): lower case, accents folded, joined by
    underscores ('Ana_Robles_seguimiento'), and for each person in ``people`` a first name or
    surname alone ('Robles said...').
    """
    people = dict(people or {})
    orgs = {k: v for k, v in mapping.items() if k not in people}
    rename = Renamer(people, orgs)
    changed = rewrite_free_text(db, rename)
    for doc_id, title in list_documents(db)[["id", "title"]].itertuples(index=False):
        new = rename(str(title or ""))
        if new != (title or ""):
            set_document_fields(db, int(doc_id), title=new)
            changed += 1
    return changed


def _new_version(
    db: sqlite_utils.Database, doc_id: int, spans: list[Span], rename: Renamer
) -> tuple[int, int]:
    """Store the pseudonymized version of document ``doc_id``; return (new id, codings moved)."""
    new_text, map_offset = replace_spans(get_text(db, doc_id), spans)
    old = get_document(db, doc_id)
    new_segments = []
    for s in get_segments(db, doc_id).itertuples():
        data = json.loads(s.data or "{}")
        if data.get("speaker"):
            data["speaker"] = rename(data["speaker"])
        if "label_start" in data:
            data["label_start"] = map_offset(data["label_start"])
        new_segments.append(
            Segment(map_offset(s.char_start), map_offset(s.char_end), s.kind, s.page, data)
        )
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
        metadata=dict(_renamed(old["metadata"], rename), pseudonymized_from=doc_id),
    )
    doc.title = rename(doc.title or "") or doc.title
    new_id = store_document(db, doc, segment_language=False)
    store_transcript_version(db, doc_id, new_id, map_offset, rename)
    return new_id, int(move_codings(db, doc_id, new_id, map_offset) or 0)


def _renamed(value, rename: Renamer):
    """Return ``value`` (JSON-like metadata) with real names replaced in every string."""
    if isinstance(value, str):
        return rename(value)
    if isinstance(value, dict):
        return {k: _renamed(v, rename) for k, v in value.items()}
    if isinstance(value, list):
        return [_renamed(v, rename) for v in value]
    return value


def _rename_cases(db: sqlite_utils.Database, mapping: dict[str, str], rename: Renamer) -> None:
    """Rename cases called by (or holding) a real name to the pseudonym.

    A case whose new name another case already has is merged into that case (codings too).
    """
    folded = {k.casefold(): v for k, v in mapping.items()}
    for case_id, name in cases_frame(db)[["case_id", "name"]].itertuples(index=False):
        new = folded.get(name.casefold()) or rename(name).replace("[", "").replace("]", "")
        if new == name:
            continue
        current = cases_frame(db)
        other = current[
            (current["name"].str.casefold() == new.casefold()) & (current["case_id"] != case_id)
        ]
        if len(other):
            merge_cases(db, int(other["case_id"].iloc[0]), int(case_id))
        else:
            rename_case(db, int(case_id), new)


@writes("deidentify")
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
    """Find names (unless a reviewed table is given), apply every accepted replacement.

    Returns apply_review's table (RESULT_COLUMNS).
    """
    if review is None:
        review = find_names(
            db, document_ids, names, organisations, pattern, org_pattern, use_ner, key_file
        )
    return apply_review(db, review, key_file, log_file, progress)
