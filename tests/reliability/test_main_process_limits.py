"""Issue 25 §3: every input the main process reads is size-checked before it is read.

Each probe of the outside test is rebuilt here (scaled down where the limit, not the size, is
what must stop it) and run as the CLI or the use case in a child process, whose peak RSS (its
own ``VmHWM`` and that of every process it started) must stay under 1 GB; the message must name
the file and the limit, and nothing may be written.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pytest

from projectfile import (
    CODE_DEPTH,
    DOCUMENT_PARAGRAPHS,
    EDIT_FILE,
    MERGE_DOCUMENT,
    REFI_SOURCE_TEXT,
    open_project,
)
from projectfile.checkpoint import flush_pending

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024
GB = 1024 * MB

# Runs one CLI command in this child; prints exit code, stderr's last line and peak RSS (MB) of
# the child and of everything it started (RUSAGE_CHILDREN's high-water mark).
PROBE = """
import contextlib, io, json, resource, sys
sys.path.insert(0, {root!r})


def hwm_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


if __name__ == "__main__":
    import cli
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(sys.argv[1:])
        except SystemExit as exc:
            code = exc.code
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({{"code": code, "stdout": out.getvalue()[-3000:],
                      "stderr": err.getvalue()[-3000:], "peak_mb": hwm_mb(), "kids_mb": kids}}))
"""


def _cli(tmp_path: Path, *args: str) -> dict:
    script = tmp_path / "probe.py"
    script.write_text(PROBE.format(root=str(ROOT)))
    out = subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, timeout=600
    )
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["peak_mb"] < 1024 and result["kids_mb"] < 1024, result
    return result


def _digest(*paths: Path) -> dict[str, str | None]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else None for p in paths
    }


def _project_with_document(path: Path, text: str = "Una entrevista ficticia.") -> None:
    from corpus import Document, store_document

    db = open_project(path)
    store_document(
        db, Document(text=text, title="Entrevista", source_name="e.txt", file_type="txt")
    )
    db.conn.close()
    flush_pending()  # no checkpoint of this process may land in the file later


def _other_project(tmp_path: Path, name: str = "other.qda.sqlite") -> Path:
    path = tmp_path / name
    _project_with_document(path, "Otra entrevista ficticia.")
    return path


def _rewrite(path: Path, *statements: str, params=()) -> None:
    """Change the other project behind the workbench's back (as an attacker would)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    for sql in statements:
        conn.execute(sql, params) if params else conn.execute(sql)
    conn.commit()
    conn.close()


@pytest.fixture
def ours(tmp_path) -> Path:
    path = tmp_path / "ours.qda.sqlite"
    _project_with_document(path)
    return path


def _unchanged(path: Path):
    before = _digest(path)

    def check():
        assert _digest(path) == before

    return check


# -- merge sources ---------------------------------------------------------------------------


def test_merge_preview_changes_neither_file_and_keeps_the_others_wal(tmp_path, ours):
    other = tmp_path / "other.qda.sqlite"
    _project_with_document(other, "Otra entrevista ficticia.")
    holder = _holding_wal(other)  # another session has it open: its -wal holds a commit
    files = [other, other.with_name(other.name + "-wal")]
    assert files[1].exists() and files[1].stat().st_size > 0
    try:
        before, ours_before = _digest(*files), _digest(ours)
        result = _cli(tmp_path, "merge", str(other), "--preview", "--project", str(ours))
        assert result["code"] == 0, result
        assert "Tema" in result["stdout"]  # what the -wal holds is seen
        assert _digest(*files) == before  # byte-identical, the -wal still there
        assert _digest(ours) == ours_before
    finally:
        holder.close()


def test_merge_sees_what_the_other_projects_wal_holds(tmp_path, ours):
    from workflows import merge_project

    other = tmp_path / "other.qda.sqlite"
    _project_with_document(other, "Otra entrevista ficticia.")
    holder = _holding_wal(other)
    try:
        db = open_project(ours)
        done = merge_project(db, other)
        assert "Tema" in set(done.merged.frame()["name"])
    finally:
        holder.close()


def _holding_wal(path: Path) -> sqlite3.Connection:
    """Another session's open connection whose last commit (a code 'Tema') is only in -wal."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute(
        "INSERT INTO codes (name, color, position, created_at) VALUES ('Tema', '#336699', 0, 'x')"
    )
    return conn


@pytest.mark.parametrize(
    "attack",
    [
        (
            "DROP TABLE codes",
            "CREATE VIEW codes AS WITH RECURSIVE r(id, parent_id, name, color,"
            " definition, inclusion, exclusion, example, position, created_by, created_at,"
            " deleted_at) AS (SELECT 1, NULL, 'x', '#000000', '', '', '', '', 0, '', '', NULL"
            " UNION ALL SELECT id + 1, id, 'x', '#000000', '', '', '', '', 0, '', '', NULL FROM r)"
            " SELECT * FROM r",
        ),
        ("CREATE TRIGGER evil AFTER INSERT ON coders BEGIN DELETE FROM codes; END",),
        ("CREATE VIEW extra AS SELECT 1",),
    ],
    ids=["codes-recursive-view", "foreign-trigger", "any-view"],
)
def test_merge_source_with_a_view_or_trigger_is_refused_unread(tmp_path, ours, attack):
    other = _other_project(tmp_path)
    _rewrite(other, *attack)
    check = _unchanged(ours)
    result = _cli(tmp_path, "merge", str(other), "--project", str(ours))
    assert result["code"] == 2, result
    message = result["stderr"] + result["stdout"]
    assert "other.qda.sqlite" in message and "refused unread" in message, message
    check()


def test_merge_source_with_a_redefined_table_is_refused(tmp_path, ours):
    """A generated column is evaluated when read: a table not defined as ours is never read."""
    other = _other_project(tmp_path)
    _rewrite(
        other,
        "ALTER TABLE coders ADD COLUMN hog TEXT GENERATED ALWAYS AS (zeroblob(900000000))",
    )
    result = _cli(tmp_path, "merge", str(other), "--preview", "--project", str(ours))
    assert result["code"] == 2
    assert "table 'coders' is not defined as the workbench defines it" in result["stderr"]


def test_merge_source_with_8000_nested_codes_is_refused_by_the_depth_limit(tmp_path, ours):
    other = _other_project(tmp_path)
    conn = sqlite3.connect(other)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.executemany(
        "INSERT INTO codes (id, parent_id, name, color, position, created_at)"
        " VALUES (?, ?, ?, '#336699', 0, 'x')",
        [(i, i - 1 if i > 1 else None, f"Código anidado {i}") for i in range(1, 8001)],
    )
    conn.commit()
    conn.close()
    for args in (["--preview"], []):
        check = _unchanged(ours)
        result = _cli(tmp_path, "merge", str(other), *args, "--project", str(ours))
        assert result["code"] == 2, result
        assert (
            f"other.qda.sqlite: its codebook nests 8,000 levels, over the limit of"
            f" {CODE_DEPTH.value} levels for how deep codes may nest" in result["stderr"]
        ), result
        check()


def test_code_tree_of_8000_nested_codes_is_linear_not_quadratic(tmp_path):
    """A project that already holds such a tree (an older file) still lists its codes."""
    from coding import codes_frame

    path = tmp_path / "deep.qda.sqlite"
    db = open_project(path)
    db.conn.executemany(
        "INSERT INTO codes (id, parent_id, name, color, position, created_at)"
        " VALUES (?, ?, ?, '#336699', 0, 'x')",
        [(i, i - 1 if i > 1 else None, f"Código anidado {i}") for i in range(1, 8001)],
    )
    frame = codes_frame(db)
    assert len(frame) == 8000
    assert frame["depth"].max() == 7999
    assert frame["path"].str.len().max() < 100 * CODE_DEPTH.value
    assert frame["path"].iloc[1] == "Código anidado 1 > Código anidado 2"


def test_merge_source_with_a_document_over_the_limit_is_refused_unread(tmp_path, ours):
    """The probe's 500 MB document, scaled to just over the limit: SQLite refuses to load it."""
    other = _other_project(tmp_path)
    big = MERGE_DOCUMENT.value + 2 * MB
    conn = sqlite3.connect(other)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("UPDATE document_texts SET text = (SELECT printf('%.*c', ?, 'x'))", [big])
    conn.commit()
    conn.close()
    check = _unchanged(ours)
    result = _cli(tmp_path, "merge", str(other), "--project", str(ours))
    assert result["code"] == 2, result
    assert (
        "other.qda.sqlite: the text of document 'Entrevista' is over the limit of 16 MB for one"
        " document of a project to merge" in result["stderr"]
    ), result
    assert result["peak_mb"] < 400  # never loaded
    check()


def test_merge_source_that_is_not_a_project_is_refused(tmp_path, ours):
    other = tmp_path / "other.qda.sqlite"
    other.write_bytes(b"not a database at all" * 100)
    result = _cli(tmp_path, "merge", str(other), "--preview", "--project", str(ours))
    assert result["code"] == 2 and "other.qda.sqlite: not a project file" in result["stderr"]


# -- edit --from-file ------------------------------------------------------------------------


def test_edit_from_a_file_over_the_limit_is_refused_before_reading(tmp_path, ours):
    big = tmp_path / "corregido.txt"
    with open(big, "wb") as fh:  # the probe's 200 MB, scaled to just over the limit
        fh.write(b"Una entrevista ficticia corregida. " * ((EDIT_FILE.value + MB) // 35 + 1))
    check = _unchanged(ours)
    result = _cli(
        tmp_path, "edit", "--document", "1", "--from-file", str(big), "--project", str(ours)
    )
    assert result["code"] == 2, result
    assert (
        "corregido.txt: the file is 17 MB, over the limit of 16 MB for a corrected text"
        in result["stderr"]
    ), result
    assert result["peak_mb"] < 400  # never read
    check()


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_edit_from_a_device_or_fifo_is_refused(tmp_path, ours, special):
    import os

    if special == "fifo":
        special = str(tmp_path / "pipe")
        os.mkfifo(special)
    result = _cli(
        tmp_path, "edit", "--document", "1", "--from-file", special, "--project", str(ours)
    )
    assert result["code"] == 2 and "not a regular file" in result["stderr"], result


def test_correct_document_refuses_a_text_over_the_limit(tmp_path, ours):
    from projectfile import LimitExceeded
    from workflows import correct_document

    db = open_project(ours)
    with pytest.raises(LimitExceeded, match="over the limit of 16 MB for a corrected text"):
        correct_document(db, 1, "x" * (EDIT_FILE.value + 1), "ana")
    assert db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 1


# -- REFI-QDA text inside the project XML ----------------------------------------------------


def _qdpx_inline(path: Path, text_mb: float) -> Path:
    """A .qdpx whose one source's text sits in <PlainTextContent> (no sources/ entry)."""
    line = "La entrevista ficticia habla del consorcio de manufactura. " * 20 + "\n\n"
    n = int(text_mb * MB / len(line)) + 1
    guid = str(uuid.uuid4())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("project.qde", "w") as fh:
            fh.write(
                (
                    '<?xml version="1.0" encoding="utf-8"?>\n'
                    '<Project xmlns="urn:QDA-XML:project:1.0"'
                    f' name="Inline (fictional)"><Sources><TextSource guid="{guid}"'
                    ' name="Entrevista"><PlainTextContent>'
                ).encode()
            )
            for start in range(0, n, 1000):
                fh.write(
                    "".join(f"{k}. {line}" for k in range(start, min(n, start + 1000))).encode()
                )
            fh.write(b"</PlainTextContent></TextSource></Sources></Project>")
    return path


def test_qdpx_with_inline_text_over_the_source_limit_is_refused(tmp_path):
    qdpx = _qdpx_inline(tmp_path / "inline.qdpx", REFI_SOURCE_TEXT.value / MB + 4)
    assert qdpx.stat().st_size < 2 * MB
    project = tmp_path / "new.qda.sqlite"
    result = _cli(tmp_path, "import", "qdpx", str(qdpx), "--project", str(project))
    assert result["code"] == 2, result
    assert (
        "inline.qdpx: <PlainTextContent> of source 'Entrevista' holds 20 MB, over the limit of"
        " 16 MB for the text of one source" in result["stderr"]
    ), result
    assert not project.exists()


def test_qdpx_with_inline_text_under_the_limit_imports(tmp_path):
    qdpx = _qdpx_inline(tmp_path / "small.qdpx", 0.2)
    project = tmp_path / "ok.qda.sqlite"
    result = _cli(tmp_path, "import", "qdpx", str(qdpx), "--project", str(project))
    assert result["code"] == 0, result
    db = open_project(project)
    assert db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 1


# -- files parsed in the workers -------------------------------------------------------------


def _docx_paragraphs(path: Path, n: int) -> Path:
    import io

    from docx import Document
    from hostile_inputs import W_NS

    buf = io.BytesIO()
    Document().save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                dst.writestr(info, src.read(info.filename))
                continue
            with dst.open("word/document.xml", "w") as fh:
                fh.write(f'<?xml version="1.0"?><w:document xmlns:w="{W_NS}"><w:body>'.encode())
                for start in range(0, n, 10_000):
                    fh.write(
                        "".join(
                            f"<w:p><w:r><w:t>Párrafo {i}.</w:t></w:r></w:p>"
                            for i in range(start, min(n, start + 10_000))
                        ).encode()
                    )
                fh.write(b"</w:body></w:document>")
    return path


def test_docx_with_too_many_paragraphs_names_the_limit(tmp_path, ours):
    """The probe's 1.5M paragraphs ended as `worker error (MemoryError: )`."""
    docx = _docx_paragraphs(tmp_path / "parrafos.docx", DOCUMENT_PARAGRAPHS.value + 10)
    result = _cli(tmp_path, "ingest", str(docx), "--project", str(ours), "--workers", "1")
    assert result["code"] == 3, result
    assert (
        "over the limit of 200,000 paragraphs for the paragraphs of one document"
        in (result["stdout"])
    ), result


def test_text_file_with_too_many_paragraphs_names_the_limit(tmp_path, ours):
    """The probe's 12 MB TXT of short paragraphs took the main process to 1.15 GB."""
    txt = tmp_path / "cortos.txt"
    txt.write_bytes(b"palabra\n\n" * (DOCUMENT_PARAGRAPHS.value + 10))
    result = _cli(tmp_path, "ingest", str(txt), "--project", str(ours), "--workers", "1")
    assert result["code"] == 3, result
    assert "for the paragraphs of one document" in result["stdout"], result
    db = open_project(ours)
    assert db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 1


def test_docx_over_lxml_limits_says_which_limit(tmp_path):
    import io

    from docx import Document

    from corpus import ParseError
    from corpus.formats import docx_to_document

    buf = io.BytesIO()
    Document().save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == "word/document.xml":
                deep = "<w:sdt>" * 300 + "</w:sdt>" * 300
                dst.writestr(
                    info.filename,
                    f'<?xml version="1.0"?><w:document xmlns:w="{W}"><w:body>{deep}'
                    "</w:body></w:document>",
                )
            else:
                dst.writestr(info, src.read(info.filename))
    with pytest.raises(ParseError, match="safety limits") as err:
        docx_to_document(out.getvalue(), "deep.docx")
    assert err.value.code == "too_large"


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
