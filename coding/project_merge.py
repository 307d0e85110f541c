"""Merging a project coded apart into this one: coders, codes, codings and memos, idempotently.

Documents are matched by content: the same text (any version here; codings then follow to the
current version), or the same source name and kind with a diffable change (codings move through
``corpus.text_mapping`` as for an edit). A document this project lacks is added. Codes are
matched by path; a code with the same path but another definition or colour is *conflicting*: this
project's definition stays and the incoming codings go to it. Coders keep their names, so
``coding.agreement`` compares them right after. Everything is one transaction after a backup, and
one undoable action, whose undo removes everything the merge added unless work made since uses it
(``coding/merge_undo.py``); merging the same file twice adds nothing, and ``merge_origins``
remembers what came from which file, so a merged coding deleted here does not come back. The
report says what was matched, added and left out, and why.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import sqlite_utils

from corpus import (
    PROBLEM_COLUMNS,
    Document,
    DuplicateDocument,
    Page,
    Segment,
    check_source_documents,
    get_document,
    get_pages,
    get_segments,
    get_text,
    list_documents,
    store_document,
    text_mapping,
)
from interviews import (
    attributes_frame,
    case_attributes_frame,
    cases_frame,
    define_attribute,
    ensure_case,
    parse_transcript,
    set_attribute,
    store_transcript,
)
from projectfile import QdaError, backup_project, now_iso, open_source_project, writes

from .cell_rows import first_version
from .codebook import update_code
from .codes import code_tree as codes_frame
from .codes import ensure_code_path
from .codings import codings_frame
from .consistency import check_project
from .history import absorbing, ensure_coder, recorded
from .memos import memos_frame
from .merge_checks import check_source_codes, incoming_span, landed_span
from .merge_undo import merge_created, merge_snapshot
from .states import CodingScope

REPORT_COLUMNS = ["item", "name", "outcome", "reason"]
PREVIEW_COLUMNS = ["path", "status", "color", "other_color", "definition", "other_definition"]


@dataclass
class MergeReport:
    """One row per item: ``item`` (coder, code, document, case attribute, coding, memo), ``name``,
    ``outcome``
    (matched, added, conflicting, already here, left out) and ``reason``."""

    rows: list[dict] = field(default_factory=list)
    problems: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PROBLEM_COLUMNS))

    def add(self, item: str, name: str, outcome: str, reason: str = "") -> None:
        self.rows.append({"item": item, "name": name, "outcome": outcome, "reason": reason})

    def frame(self) -> pd.DataFrame:
        """The rows, then the project's check after the merge (item "check", one per problem)."""
        checked = [
            {
                "item": "check",
                "name": f"{p.table} {p.row_id}",
                "outcome": p.kind,
                "reason": p.message,
            }
            for p in self.problems.itertuples()
        ]
        return pd.DataFrame(self.rows + checked, columns=REPORT_COLUMNS)

    def counts(self) -> pd.DataFrame:
        """Items by outcome (rows: item; columns: outcome)."""
        df = self.frame()
        if df.empty:
            return pd.DataFrame()
        return df.pivot_table(index="item", columns="outcome", aggfunc="size", fill_value=0)

    @property
    def changed(self) -> int:
        """How many items were added (0 when merging again)."""
        return sum(r["outcome"] == "added" for r in self.rows)

    def summary(self) -> str:
        by = self.frame().groupby(["item", "outcome"]).size()
        return "; ".join(f"{item} {outcome}: {n}" for (item, outcome), n in by.items())


class _Other:
    """The other project, read in place: read-only and immutable, its schema and its sizes
    checked with cheap queries before anything is loaded (``projectfile.open_source_project``)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._stack = contextlib.ExitStack()
        try:
            self.db = self._stack.enter_context(open_source_project(self.path))
            check_source_documents(self.db, self.path.name)
            check_source_codes(self.db, self.path.name)
        except BaseException:
            self._stack.close()
            raise

    def close(self) -> None:
        self._stack.close()


def _text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def code_preview(db: sqlite_utils.Database, other: sqlite_utils.Database) -> pd.DataFrame:
    """Return PREVIEW_COLUMNS for each code of ``other``: new, matched or conflicting."""
    ours = codes_frame(db).set_index("path")
    rows = []
    for r in codes_frame(other).itertuples():
        if r.path not in ours.index:
            status, color, definition = "new", "", ""
        else:
            mine = ours.loc[r.path]
            color, definition = str(mine["color"]), str(mine["definition"])
            same = (
                color.lower() == str(r.color).lower()
                and definition.strip() == str(r.definition).strip()
            )
            status = "matched" if same else "conflicting"
        rows.append(
            {
                "path": r.path,
                "status": status,
                "color": color,
                "other_color": r.color,
                "definition": definition,
                "other_definition": r.definition,
            }
        )
    return pd.DataFrame(rows, columns=PREVIEW_COLUMNS)


def preview_merge(db: sqlite_utils.Database, other_path: str | Path) -> pd.DataFrame:
    """Return the code preview (new / matched / conflicting) of merging ``other_path``."""
    other = _Other(other_path)
    try:
        return code_preview(db, other.db)
    finally:
        other.close()


@writes("merge")
def merge_project(
    db: sqlite_utils.Database,
    other_path: str | Path,
    coder: str = "system",
    session: str | None = None,
    source: str | None = None,
) -> MergeReport:
    """Merge the project file ``other_path`` into ``db``; return the report.

    A backup first, then one transaction and one undoable action: undo removes what the merge
    added (codes, codings, memos, coders, documents, cases, attributes) except what work made
    since uses (``merge_undo``). ``source`` (default: the file's name) names where the rows came
    from: a coding or memo merged from it before and deleted here since is not brought back by
    merging it again.
    """
    other = _Other(other_path)
    report = MergeReport()
    source = source or Path(other_path).name
    try:
        backup_project(db, reason="before-merge")
        new_coder = not db.execute("SELECT 1 FROM coders WHERE name = ?", [coder]).fetchone()
        with recorded(db, coder, f"merge {source}", session) as rec, absorbing(rec):
            rec.source = source
            before = merge_snapshot(db)
            if new_coder:  # the merge brought its merging coder too
                before["coders"].discard(coder)
            rec.extra["merge_origins"] = []
            _merge(db, other.db, rec, report)
            made = merge_created(db, before, source, rec.extra.pop("merge_origins"))
            if rec.changes or any(v for k, v in made.items() if k != "source"):
                rec.extra["merge"] = made
    finally:
        other.close()
    report.problems = check_project(db)
    return report


def _merge(db, other, rec, report: MergeReport) -> None:
    kinds = {  # the assistant and a consensus coder stay what they are (never people's counts)
        r[0]: (r[1], r[2])
        for r in other.execute("SELECT name, kind, detail FROM coders WHERE kind != 'person'")
    }
    for name in sorted(set(_codings(other)["coder"]) | set(memos_frame(other)["author"])):
        known = db.execute("SELECT kind FROM coders WHERE name = ?", [name]).fetchone()
        ensure_coder(db, name)
        kind, detail = kinds.get(name, ("person", "{}"))
        if known is None:
            db.execute(
                "UPDATE coders SET kind = ?, detail = ? WHERE name = ?", [kind, detail, name]
            )
        elif known[0] != kind:
            report.add(
                "coder",
                name,
                "conflicting",
                f"a coder of kind {kind} there, {known[0]} here: its work counts as"
                f" the {known[0]}'s",
            )
            continue
        report.add("coder", name, "matched" if known else "added")
    code_map = _merge_codes(db, other, rec, report)
    doc_map = _merge_documents(db, other, report)
    case_map = _case_map(db, other)
    _merge_attributes(db, other, report, case_map)
    coding_map = _merge_codings(db, other, rec, report, code_map, doc_map, case_map)
    _merge_memos(db, other, rec, report, code_map, doc_map, case_map, coding_map)


def _merge_codes(db, other, rec, report) -> dict[int, int]:
    preview = code_preview(db, other).set_index("path")
    out = {}
    for r in codes_frame(other).itertuples():
        status = preview.loc[r.path, "status"]
        local = ensure_code_path(db, r.path, coder=rec.coder, color=r.color)
        if status == "new":
            fields = {k: getattr(r, k) for k in ("definition", "inclusion", "exclusion", "example")}
            fields = {k: v for k, v in fields.items() if v}
            if fields:
                update_code(db, local, coder=rec.coder, **fields)
            report.add("code", r.path, "added")
        elif status == "conflicting":
            report.add(
                "code",
                r.path,
                "conflicting",
                "same path, another definition or colour: this project's is kept",
            )
        else:
            report.add("code", r.path, "matched")
        out[int(r.id)] = int(local)
    return out


@dataclass
class _DocMatch:
    local_id: int
    other_text: str
    local_text: str

    def span(self, s: int, e: int) -> tuple[int, int] | None:
        if self.other_text == self.local_text:
            return s, e
        if not hasattr(self, "_mapping"):
            self._mapping = text_mapping(self.other_text, self.local_text)
        return self._mapping.span(s, e, self.other_text, self.local_text)


def _merge_documents(db, other, report: MergeReport) -> dict[int, _DocMatch]:
    ours = list_documents(db, include_old=True)
    by_text: dict[str, int] = {}
    for r in ours.itertuples():
        by_text.setdefault(_text_key(get_text(db, int(r.id))), int(r.id))
    current = ours[ours["is_current"] == 1]
    by_source = {(r.source_name, r.kind): int(r.id) for r in current.itertuples()}
    current_of = {}
    for r in ours.itertuples():
        current_of[int(r.id)] = by_source.get((r.source_name, r.kind), int(r.id))
    out: dict[int, _DocMatch] = {}
    for r in list_documents(other).itertuples():
        text = get_text(other, int(r.id))
        local = by_text.get(_text_key(text))
        if local is not None:
            target = current_of.get(local, local)
            why = "same text" if target == local else "same text as an earlier version here"
            out[int(r.id)] = _DocMatch(target, text, get_text(db, target))
            report.add("document", r.title, "matched", why)
        elif (r.source_name, r.kind) in by_source:
            target = by_source[(r.source_name, r.kind)]
            out[int(r.id)] = _DocMatch(target, text, get_text(db, target))
            report.add("document", r.title, "matched", "same source, text differs: codings mapped")
        else:
            new_id = _add_document(db, other, int(r.id), text)
            out[int(r.id)] = _DocMatch(new_id, text, get_text(db, new_id))
            report.add("document", r.title, "added")
    return out


def _add_document(db, other, doc_id: int, text: str) -> int:
    doc = get_document(other, doc_id)
    if doc["kind"] == "interview":
        tr = parse_transcript(Path(doc["source_name"]).stem + ".txt", data=text.encode("utf-8"))
        tr.name = doc["source_name"]
        return store_transcript(db, tr, text.encode("utf-8"), title=doc["title"])
    segs = get_segments(other, doc_id)
    pages = get_pages(other, doc_id)
    new = Document(
        text=text,
        title=doc["title"],
        source_name=doc["source_name"],
        kind=doc["kind"],
        file_type=doc["file_type"],
        pages=[Page(int(p.number), int(p.char_start), int(p.char_end)) for p in pages.itertuples()],
        segments=[
            Segment(
                int(s.char_start),
                int(s.char_end),
                s.kind,
                None if pd.isna(s.page) else int(s.page),
                {"language": s.language},
            )
            for s in segs.itertuples()
        ],
        sha256=doc["sha256"],
        size=int(doc["size"]),
        language=doc["language"],
        author=doc["author"],
        date=doc["date"],
        status=doc["status"],
        warnings=list(doc["warnings"]),
        metadata=dict(doc["metadata"], merged_from=str(doc["source_name"])),
    )
    try:
        return store_document(db, new)
    except DuplicateDocument as exc:
        return exc.document_id


def _merged_before(db, rec, entity: str, source_id: int) -> int | None:
    """The local id of a row merged from this source before, if that row still exists (soft
    deleted included: a deletion here is respected; an undone merge left nothing)."""
    row = db.execute(
        "SELECT local_id FROM merge_origins WHERE source = ? AND entity = ? AND source_id = ?",
        [rec.source, entity, int(source_id)],
    ).fetchone()
    if row and db.execute(f"SELECT 1 FROM {entity} WHERE id = ?", [row[0]]).fetchone():
        return row[0]
    return None


def _remember(db, rec, entity: str, source_id: int, local_id: int) -> None:
    prior = db.execute(
        "SELECT local_id, merged_at FROM merge_origins WHERE source = ? AND entity = ?"
        " AND source_id = ?",
        [rec.source, entity, int(source_id)],
    ).fetchone()
    if prior and prior[0] == int(local_id):
        return
    rec.extra["merge_origins"].append(
        [entity, int(source_id), int(local_id), list(prior) if prior else None]
    )
    db.execute(
        "INSERT OR REPLACE INTO merge_origins (source, entity, source_id, local_id, merged_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [rec.source, entity, int(source_id), int(local_id), now_iso()],
    )


def _case_map(db, other) -> dict[int, int]:
    return {
        int(r.case_id): ensure_case(db, r.name, r.kind or "person")
        for r in cases_frame(other).itertuples()
    }


def _merge_attributes(db, other, report: MergeReport, case_map: dict[int, int]) -> None:
    """Case attributes: new attributes and values this project lacks come in; a different value
    (or type) is reported as conflicting and this project's is kept."""
    ours = attributes_frame(db)
    types = {str(n).casefold(): t for n, t in zip(ours["name"], ours["type"])}
    usable = set()
    for a in attributes_frame(other).itertuples():
        mine = types.get(str(a.name).casefold())
        if mine is None:
            define_attribute(db, a.name, a.type, list(a.categories) or None)
            report.add("case attribute", a.name, "added")
            usable.add(a.name)
        elif mine != a.type:
            report.add(
                "case attribute", a.name, "conflicting", f"{a.type} there, {mine} here: ours kept"
            )
        else:
            usable.add(a.name)
    here = case_attributes_frame(db).set_index("case_id")
    theirs = case_attributes_frame(other)
    for r in theirs.to_dict("records"):
        local = case_map.get(int(r["case_id"]))
        for name in usable:
            value = r.get(name)
            if value is None or (isinstance(value, float) and pd.isna(value)) or local is None:
                continue
            current = here.at[local, name] if local in here.index and name in here else None
            label = f"{r['case_name']}: {name}"
            if current is None or (isinstance(current, float) and pd.isna(current)):
                try:
                    set_attribute(db, local, name, value)
                except QdaError as exc:
                    report.add("case attribute", label, "left out", str(exc))
                    continue
                report.add("case attribute", label, "added")
            elif str(current) != str(value):
                report.add(
                    "case attribute",
                    label,
                    "conflicting",
                    f"{value!r} there, {current!r} here: ours kept",
                )


def _codings(other) -> pd.DataFrame:
    """Every coding of the other project on any version, the assistant's included."""
    return codings_frame(other, versions="all", assistants=True)


def _merge_codings(db, other, rec, report, code_map, doc_map, case_map) -> dict[int, int]:
    out: dict[int, int] = {}
    frame = _codings(other)
    earlier = frame["document_id"].notna() & ~frame["document_id"].isin(list(doc_map))
    for title, n in frame[earlier].groupby("document_title").size().items():
        report.add(
            "coding",
            f"{n} codings on an earlier version of {title}",
            "left out",
            "the other project carried them to its current version, or lists them in its review",
        )
    frame = frame[~earlier]
    coders = {r[1]: r[0] for r in db.execute("SELECT id, name FROM coders").fetchall()}
    for r in frame.itertuples():
        label = f"{r.code_path} by {r.coder}"
        before = _merged_before(db, rec, "codings", int(r.coding_id))
        if before is not None:
            out[int(r.coding_id)] = before
            report.add("coding", label, "already here", "merged from this file before")
            continue
        if r.scope == CodingScope.CASE:
            doc_id, case_id, span = None, case_map.get(int(r.case_id)), (0, 0)
        else:
            match = doc_map.get(int(r.document_id))
            if match is None:
                report.add("coding", label, "left out", "its document was not merged")
                continue
            doc_id, case_id = match.local_id, None
            span, why = (0, len(match.local_text)), None
            if r.scope == CodingScope.SPAN:
                why = incoming_span(
                    r.coding_id, r.char_start, r.char_end, match.other_text, rec.source
                )
                span = None if why else match.span(int(r.char_start), int(r.char_end))
            if why := why or (
                span and landed_span(r.coding_id, span, match.local_text, rec.source)
            ):
                report.add("coding", label, "left out", why)  # offsets outside a text: never in
                continue
            if span is None:
                report.add(
                    "coding",
                    f"{label}: {str(r.text)[:60]}",
                    "left out",
                    "its words are not in this project's version of the document",
                )
                continue
        values = {
            "document_id": doc_id,
            "case_id": case_id,
            "scope": r.scope,
            "char_start": span[0],
            "char_end": span[1],
            "code_id": code_map[int(r.code_id)],
            "coder_id": coders[r.coder],
        }
        where = " AND ".join(f"{k} IS ?" for k in values)
        dup = db.execute(
            f"SELECT id FROM codings WHERE {where} AND deleted_at IS NULL", list(values.values())
        ).fetchone()
        if dup:
            out[int(r.coding_id)] = dup[0]
            _remember(db, rec, "codings", int(r.coding_id), dup[0])
            report.add("coding", label, "already here")
            continue
        memo = None if pd.isna(r.memo) else r.memo
        weight = None if pd.isna(r.weight) else float(r.weight)
        out[int(r.coding_id)] = rec.insert(
            "codings", {**values, "created_at": r.created_at, "memo": memo, "weight": weight}
        )
        _remember(db, rec, "codings", int(r.coding_id), out[int(r.coding_id)])
        report.add("coding", label, "added")
    return out


def _merge_memos(db, other, rec, report, code_map, doc_map, case_map, coding_map) -> None:
    for m in memos_frame(other).itertuples():
        target, tid = m.target, None if pd.isna(m.target_id) else int(m.target_id)
        local = {
            "project": lambda _: None,
            "document": lambda i: doc_map[i].local_id if i in doc_map else None,
            "code": code_map.get,
            "case": case_map.get,
            "coding": coding_map.get,
            "cell": code_map.get,
        }[target](tid)
        cell_row = _local_cell_row(db, m.cell_row, case_map, doc_map) if target == "cell" else None
        if target == "cell" and cell_row is None:
            local = None
        name = f"{target} memo {m.title or str(m.text)[:40]!r} by {m.author}"
        if _merged_before(db, rec, "memos", int(m.memo_id)) is not None:
            report.add("memo", name, "already here", "merged from this file before")
            continue
        if target != "project" and local is None:
            report.add("memo", name, "left out", f"its {target} was not merged")
            continue
        values = {
            "target": target,
            "document_id": local if target == "document" else None,
            "code_id": local if target in ("code", "cell") else None,
            "coding_id": local if target == "coding" else None,
            "case_id": local if target == "case" else None,
        }
        if target == "cell":
            values["cell_row"] = cell_row
            values["case_id"] = int(cell_row[5:]) if cell_row.startswith("case:") else None
        where = " AND ".join(f"{k} IS ?" for k in values)
        dup = db.execute(
            f"SELECT id FROM memos WHERE {where} AND title = ? AND text = ? AND author = ?"
            " AND deleted_at IS NULL",
            [*values.values(), m.title, m.text, m.author],
        ).fetchone()
        if dup:
            _remember(db, rec, "memos", int(m.memo_id), dup[0])
            report.add("memo", name, "already here")
            continue
        local_memo = rec.insert(
            "memos",
            {
                **values,
                "title": m.title,
                "text": m.text,
                "author": m.author,
                "created_at": m.created_at,
                "updated_at": m.updated_at,
            },
        )
        _remember(db, rec, "memos", int(m.memo_id), local_memo)
        report.add("memo", name, "added")


def _local_cell_row(db, key: str, case_map: dict, doc_map: dict) -> str | None:
    """Return a framework row key of the other project as this project's (None: its case or
    document was not merged)."""
    kind, _, rest = str(key).partition(":")
    if kind == "case":
        local = case_map.get(int(rest))
        return None if local is None else f"case:{local}"
    if kind == "document":
        entry = doc_map.get(int(rest))
        return None if entry is None else f"document:{first_version(db, entry.local_id)}"
    return key
