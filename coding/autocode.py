"""Auto-coding: build a preview of codings from a rule, then save it as one undoable batch.

Every ``preview_*`` returns a DataFrame with PREVIEW_COLUMNS (the rule in column ``rule``); nothing
is written until ``apply_preview`` (which calls ``apply_batch``).  Rules: a full-text search (scope
hit sentence, paragraph or turn), a regular expression, speakers or cases (their turns), or any
rows with a document range (``preview_rows``: the nlp package's entity mentions and topic segments).
A preview may name a code path that does not exist yet: ``apply_preview`` creates it.
"""

from __future__ import annotations

import numbers
import re
import unicodedata

import pandas as pd
import sqlite_utils

from corpus import (
    get_document,
    get_project_meta,
    get_segments,
    get_text,
    list_documents,
    search,
    set_project_meta,
)
from interviews import turns_frame
from projectfile import writes

from .agreement import split_sentences
from .batches import apply_batch
from .codes import ensure_code_path, find_path, resolve_code
from .history import CodingError
from .spans import Notify

PREVIEW_COLUMNS = [
    "document_id",
    "document_title",
    "char_start",
    "char_end",
    "code",
    "text",
    "rule",
    "chars",
    "too_long",
]
SEARCH_SCOPES = ("sentence", "paragraph", "turn")
AUTO = "auto"  # each hit at its document's default level (``document_level``)
QUOTE_LIMIT = 1500  # a quote longer than this is flagged in a preview (project meta quote_limit)
REGEX_SCOPES = ("match", "sentence", "paragraph")


def _fold(s: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFD", s.lower()) if not unicodedata.combining(c)
    )


def quote_limit(db: sqlite_utils.Database) -> int:
    """Return the length (characters) over which a previewed quote is flagged ``too_long``."""
    value = get_project_meta(db, "quote_limit")
    return int(value) if value and value.isdigit() and int(value) > 0 else QUOTE_LIMIT


def set_quote_limit(db: sqlite_utils.Database, limit: int) -> None:
    """Set the length over which previewed quotes are flagged (a whole number of characters)."""
    if int(limit) < 1:
        raise CodingError("the quote limit is a number of characters above 0")
    set_project_meta(db, "quote_limit", str(int(limit)))


def document_level(document: dict) -> str:
    """Return the unit a search hit in ``document`` (a ``corpus.get_document`` row) codes by
    default: ``sentence`` in a PDF (its paragraphs are the layout's guess), ``turn`` in an
    interview, else ``paragraph``."""
    if document.get("kind") == "interview":
        return "turn"
    return "sentence" if document.get("file_type") == "pdf" else "paragraph"


def default_level(db: sqlite_utils.Database, document_ids) -> str:
    """Return the level "Code all hits" starts at for hits in ``document_ids``: their shared
    ``document_level``, or ``auto`` (each hit at its own document's) when they differ."""
    levels = {document_level(get_document(db, int(d))) for d in set(document_ids)}
    return levels.pop() if len(levels) == 1 else AUTO


def _frame(db, rows: list[tuple[int, int, int]], code, rule: str) -> pd.DataFrame:
    """Return the preview frame for (document_id, start, end) rows, deduplicated and with text,
    its length and whether it is over the project's ``quote_limit``."""
    _check_code(db, code)
    rows = sorted(set(rows))
    limit = quote_limit(db)
    texts, titles, out = {}, {}, []
    for doc, s, e in rows:
        if doc not in texts:
            texts[doc] = get_text(db, doc)
            titles[doc] = get_document(db, doc)["title"]
        if e > s:
            out.append([doc, titles[doc], s, e, code, texts[doc][s:e], rule, e - s, e - s > limit])
    df = pd.DataFrame(out, columns=PREVIEW_COLUMNS)
    df["chars"] = df["chars"].astype(int)
    df["too_long"] = df["too_long"].astype(bool)
    df.attrs["rule"] = rule
    return df


def _check_code(db: sqlite_utils.Database, code) -> None:
    """A code id must exist; a code path may be new (``apply_preview`` creates it)."""
    if isinstance(code, numbers.Integral):
        resolve_code(db, code)
    elif not str(code).strip():
        raise CodingError("name the code to apply")


def _terms(query: str) -> list[str]:
    words = re.findall(r"\w+\*?", query, re.UNICODE)
    return [
        _fold(w.rstrip("*"))
        for w in words
        if w not in ("AND", "OR", "NOT", "NEAR") and not w.isdigit()
    ]


def preview_search(
    db: sqlite_utils.Database,
    query: str,
    code,
    scope: str = "paragraph",
    limit: int = 10_000,
    documents: list[int] | None = None,
) -> pd.DataFrame:
    """Return codings for the hits of a full-text search: the hit's sentence, paragraph or speaker
    turn."""
    if scope not in SEARCH_SCOPES:
        raise CodingError(f"scope must be one of {', '.join(SEARCH_SCOPES)}")
    hits = search(db, query, document_ids=documents, limit=limit)
    if scope == "turn":
        hits = hits[hits["segment_kind"] == "turn"]
    rows = []
    terms = _terms(query)
    if scope == "sentence":
        texts: dict[int, str] = {}
        for doc, s, e in zip(hits["document_id"], hits["char_start"], hits["char_end"]):
            doc = int(doc)
            text = texts.setdefault(doc, get_text(db, doc))[int(s) : int(e)]
            for ss, se in split_sentences(text):
                folded = _fold(text[ss:se])
                if any(re.search(r"\b" + re.escape(t), folded) for t in terms):
                    rows.append((doc, int(s) + ss, int(s) + se))
    else:
        rows = [
            (int(d), int(s), int(e))
            for d, s, e in zip(hits["document_id"], hits["char_start"], hits["char_end"])
        ]
    return _frame(db, rows, code, f"search '{query}' ({scope})")


def preview_hits(
    db: sqlite_utils.Database,
    hits: pd.DataFrame,
    code,
    scope: str | None = None,
    query: str | None = None,
) -> pd.DataFrame:
    """Return codings for search hits (a frame with document_id, char_start, char_end,
    segment_kind: corpus.search's columns, from any search mode), one unit per hit.

    ``paragraph``: the hit's passage (paragraph or turn); ``turn``: only hits that are speaker
    turns; ``sentence``: the sentences of the passage holding a word of ``query``, or the whole
    passage when none does (a meaning-search hit need not contain the words); None or ``auto``:
    each hit at its document's ``document_level`` (sentence in PDFs, turn in interviews).
    """
    if scope is not None and scope != AUTO and scope not in SEARCH_SCOPES:
        raise CodingError(f"scope must be one of {', '.join((AUTO, *SEARCH_SCOPES))}")
    missing = {"document_id", "char_start", "char_end"} - set(hits.columns)
    if missing:
        raise CodingError(f"hits need the columns {', '.join(sorted(missing))}")
    kinds = (
        hits["segment_kind"]
        if "segment_kind" in hits.columns
        else pd.Series(None, index=hits.index)
    )
    levels: dict[int, str] = {}
    if scope in (None, AUTO):
        for d in set(hits["document_id"]):
            levels[int(d)] = document_level(get_document(db, int(d)))
    terms = _terms(query or "")
    texts: dict[int, str] = {}
    rows = []
    for d, s, e, kind in zip(hits["document_id"], hits["char_start"], hits["char_end"], kinds):
        doc, s, e = int(d), int(s), int(e)
        level = levels.get(doc, scope)
        if level == "turn" and kind != "turn":
            if scope == "turn":
                continue  # asked for turns: a passage that is no turn is left out
            level = "paragraph"  # an interview's hit outside a turn: its passage
        if level != "sentence":
            rows.append((doc, s, e))
            continue
        passage = texts.setdefault(doc, get_text(db, doc))[s:e]
        found = [
            (doc, s + ss, s + se)
            for ss, se in split_sentences(passage)
            if any(re.search(r"\b" + re.escape(t), _fold(passage[ss:se])) for t in terms)
        ]
        rows += found or [(doc, s, e)]
    label = scope or AUTO
    return _frame(db, rows, code, f"search hits '{query or ''}' ({label})")


def preview_regex(
    db: sqlite_utils.Database,
    pattern: str,
    code,
    scope: str = "match",
    ignore_case: bool = True,
    documents: list[int] | None = None,
) -> pd.DataFrame:
    """Return codings for every match of a regular expression (the match, its sentence or its
    paragraph)."""
    if scope not in REGEX_SCOPES:
        raise CodingError(f"scope must be one of {', '.join(REGEX_SCOPES)}")
    try:
        rx = re.compile(pattern, re.IGNORECASE if ignore_case else 0)
    except re.error as exc:
        raise CodingError(f"the regular expression '{pattern}' is not valid: {exc}") from None
    doc_ids = documents if documents is not None else list_documents(db)["id"].tolist()
    rows = []
    for doc in doc_ids:
        text = get_text(db, int(doc))
        matches = [(m.start(), m.end()) for m in rx.finditer(text) if m.end() > m.start()]
        if not matches:
            continue
        if scope == "match":
            rows += [(int(doc), s, e) for s, e in matches]
            continue
        if scope == "sentence":
            units = split_sentences(text)
        else:
            segs = get_segments(db, int(doc))
            units = list(zip(segs["char_start"].astype(int), segs["char_end"].astype(int)))
        for s, _e in matches:
            rows += [(int(doc), us, ue) for us, ue in units if us <= s < ue]
    return _frame(db, rows, code, f"regex /{pattern}/ ({scope})")


def preview_speaker(
    db: sqlite_utils.Database,
    code,
    speakers: list[str] | None = None,
    cases: list[int] | None = None,
    documents: list[int] | None = None,
) -> pd.DataFrame:
    """Return codings for every turn of the given speakers (names) or cases (ids)."""
    if not speakers and not cases:
        raise CodingError("name at least one speaker or case")
    tf = turns_frame(db, documents)
    mask = pd.Series(False, index=tf.index)
    if speakers:
        mask |= tf["speaker"].isin(speakers)
    if cases:
        mask |= tf["case_id"].isin([int(c) for c in cases])
    tf = tf[mask]
    rule = "turns of " + ", ".join([*(speakers or []), *(f"case {c}" for c in (cases or []))])
    return _frame(
        db,
        [
            (int(d), int(s), int(e))
            for d, s, e in zip(tf["document_id"], tf["char_start"], tf["char_end"])
        ],
        code,
        rule,
    )


def preview_rows(
    db: sqlite_utils.Database,
    rows: pd.DataFrame,
    code,
    rule: str,
    column: str | None = None,
    values: list | None = None,
) -> pd.DataFrame:
    """Return codings for rows of any frame with document_id, char_start, char_end (e.g. entities or
    topic segments).

    With ``column`` and ``values`` only rows whose column holds one of the values are kept.
    """
    missing = {"document_id", "char_start", "char_end"} - set(rows.columns)
    if missing:
        raise CodingError(f"rows need the columns {', '.join(sorted(missing))}")
    if column is not None:
        if column not in rows.columns:
            raise CodingError(f"no column '{column}' in the rows")
        rows = rows[rows[column].isin(values or [])]
    return _frame(
        db,
        [
            (int(d), int(s), int(e))
            for d, s, e in zip(rows["document_id"], rows["char_start"], rows["char_end"])
        ],
        code,
        rule,
    )


@writes("code")
def apply_preview(
    db: sqlite_utils.Database,
    preview: pd.DataFrame,
    coder: str,
    session: str | None = None,
    notify: Notify | None = None,
) -> int:
    """Save a (possibly edited) preview as one batch (new code paths created); return its id.

    Rows on a version an edit superseded since go to the current one (``notify`` is told)."""
    if preview.empty:
        raise CodingError("nothing to code: the preview is empty")
    for code in sorted({c for c in preview["code"] if isinstance(c, str)}):
        if find_path(db, code) is None and not code.strip().isdigit():
            ensure_code_path(db, code, coder=coder)
    rule = preview.attrs.get("rule") or str(preview["rule"].iloc[0])
    rows = preview[["document_id", "char_start", "char_end", "code"]].to_dict("records")
    return apply_batch(db, rows, rule=rule, coder=coder, session=session, notify=notify)
