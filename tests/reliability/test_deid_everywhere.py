"""Issue 15 §2: after pseudonymization, no real name survives anywhere in the shareable copy:
not in any table (memos, deleted memos, code definitions, coding memos, batch rules, titles),
not in the undo history or audit log (dropped, and said so), not in the file's bytes (FTS
segments, free pages), and not in any export made from the copy."""

from __future__ import annotations

import io
import sqlite3
import unicodedata
import zipfile

import pytest

from coding import (
    add_code,
    add_memo,
    apply_batch,
    code_span,
    delete_memo,
    update_memo,
)
from corpus import get_text, list_documents
from deid import pseudonymize, shareable_copy
from exports import codebook_file, evidence_file, evidence_table, export_qdpx
from interviews import import_transcripts
from projectfile import open_project

REAL = ["Ingrid Salazar", "Patricia Robles", "Grupo Acerero del Norte"]

INTERVIEW = """Entrevistadora: ¿Cómo conoció a Patricia Robles?

Experta: Conocí a Patricia Robles en Monterrey. Ingrid Salazar negoció el acuerdo con Grupo
Acerero del Norte y todos confiaban en ella.
"""


def _folded(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name)
    return "".join(c for c in plain if not unicodedata.combining(c)).lower()


@pytest.fixture
def coded(db, tmp_path):
    src = tmp_path / "entrevista_monterrey.txt"
    src.write_text(INTERVIEW.replace("Grupo\nAcerero", "Grupo Acerero"), encoding="utf-8")
    assert [o.status for o in import_transcripts([str(src)], db)] == ["ok"]
    doc_id = int(list_documents(db)["id"].iloc[0])
    text = get_text(db, doc_id)
    code = add_code(
        db,
        "Confianza",
        definition="Cuando Ingrid Salazar aparece como mediadora",
        example="Patricia Robles en Monterrey",
        coder="ana",
    )
    start = text.index("Ingrid Salazar negoció")
    code_span(db, doc_id, start, start + 40, code, "ana", memo="Salazar clave; ver Patricia Robles")
    s2 = text.index("Patricia Robles en Monterrey")
    apply_batch(
        db,
        [{"document_id": doc_id, "char_start": s2, "char_end": s2 + 15, "code": code}],
        rule="search 'Patricia Robles'",
        coder="ana",
    )
    add_memo(db, "Reunión con Ingrid Salazar pendiente", "ana", title="Notas de campo")
    add_memo(db, "Grupo Acerero del Norte financia", "ana", target="document", target_id=doc_id)
    gone = add_memo(db, "Borrador: Patricia Robles dijo algo", "ana", title="Patricia Robles")
    delete_memo(db, gone, "ana")
    edited = add_memo(db, "primera versión con Ingrid Salazar", "ana")
    update_memo(db, edited, "ana", text="versión nueva sin nombres")
    return db


def _all_cells(path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(str(path))
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        out = []
        for t in tables:
            for row in conn.execute(f'SELECT * FROM "{t}"'):
                for v in row:
                    if isinstance(v, bytes):
                        v = v.decode("utf-8", "replace")
                    if isinstance(v, str):
                        out.append((t, v))
        return out
    finally:
        conn.close()


def test_shareable_copy_holds_no_real_name_in_any_table_file_or_export(coded, tmp_path):
    db = coded
    pseudonymize(
        db,
        names=["Ingrid Salazar", "Patricia Robles"],
        organisations=["Grupo Acerero del Norte"],
        use_ner=False,
    )
    report = shareable_copy(db, tmp_path / "shared.qda.sqlite")
    text = "\n".join(report.lines())
    assert "undo history" in text and "audit log" in text
    assert report.dropped["coding_actions"] > 0 and report.dropped["audit_log"] > 0
    assert report.dropped["ingest_log"] > 0 and "ingest log" in text
    path = report.path
    cells = _all_cells(path)
    for name in REAL:
        for token in (name, name.split()[-1]):
            hits = [(t, v[:80]) for t, v in cells if token.lower() in v.lower()]
            assert not hits, (token, hits)
    raw = path.read_bytes().lower()
    for name in REAL:
        for token in (name.split()[-1], _folded(name.split()[-1])):
            assert token.lower().encode() not in raw, token

    copy = open_project(path)
    try:
        exports: dict[str, bytes] = {}
        table = evidence_table(copy)
        assert len(table)
        for fmt in ("csv", "xlsx", "docx", "md", "html"):
            exports[f"evidence.{fmt}"] = evidence_file(copy, table, fmt)[0]
        for fmt in ("csv", "docx", "qdc"):
            exports[f"codebook.{fmt}"] = codebook_file(copy, fmt)[0]
        exports["project.qdpx"] = export_qdpx(copy, tmp_path / "shared.qdpx").read_bytes()
    finally:
        copy.conn.close()
    for label, data in exports.items():
        texts = [data]
        if data[:2] == b"PK":  # docx, xlsx, qdpx: look inside every entry
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                texts = [zf.read(n) for n in zf.namelist()]
        blob = b"\n".join(texts).decode("utf-8", "replace").lower()
        for name in REAL:
            assert name.split()[-1].lower() not in blob, (label, name)


def test_working_project_free_text_is_pseudonymized_too(coded):
    db = coded
    pseudonymize(db, names=["Ingrid Salazar", "Patricia Robles"], use_ner=False)
    memo_texts = " ".join(r[0] + " " + r[1] for r in db.execute("SELECT title, text FROM memos"))
    defs = " ".join(r[0] + r[1] for r in db.execute("SELECT definition, example FROM codes"))
    coding_memos = " ".join(r[0] or "" for r in db.execute("SELECT memo FROM codings"))
    for blob in (memo_texts, defs, coding_memos):
        assert "Salazar" not in blob and "Robles" not in blob
    assert "[" in defs  # replaced by the pseudonym, in brackets
