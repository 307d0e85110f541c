"""Helpers for the reliability tests: fixture files, worker processes, consistency checks."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("rel_worker.py")

WORDS = (
    "consorcio manufactura avanzada innovación consejo ciencia tecnología política industrial "
    "TLCAN consortium advanced manufacturing innovation council science technology industrial "
    "policy NAFTA Querétaro Monterrey supplier cluster aerospace automotive training university "
    "agreement"
).split()


def sentence(rng: random.Random, n: int = 12) -> str:
    """Return a pseudo-random sentence from a fixed bilingual vocabulary."""
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def make_pdf(path: Path, pages: int, seed: int) -> Path:
    """Write a multi-page text PDF with fpdf2 (different text on every page)."""
    from fpdf import FPDF

    rng = random.Random(seed)
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for _page in range(pages):
        pdf.add_page()
        for _ in range(3):
            text = " ".join(sentence(rng) for _ in range(4))
            pdf.multi_cell(0, 6, text.encode("latin-1", "replace").decode("latin-1"))
            pdf.ln(4)
    path.write_bytes(bytes(pdf.output()))
    return path


def make_txt(path: Path, paragraphs: int, seed: int, encoding: str = "utf-8") -> Path:
    """Write a plain-text document of ``paragraphs`` paragraphs."""
    rng = random.Random(seed)
    text = "\n\n".join(" ".join(sentence(rng) for _ in range(3)) for _ in range(paragraphs))
    path.write_bytes(text.encode(encoding, "replace"))
    return path


def make_docx(path: Path, paragraphs: int, seed: int) -> Path:
    """Write a DOCX with a heading, paragraphs and a small table."""
    import docx

    rng = random.Random(seed)
    d = docx.Document()
    d.add_heading("Consorcio de manufactura avanzada (ficticio)", level=1)
    for _ in range(paragraphs):
        d.add_paragraph(" ".join(sentence(rng) for _ in range(3)))
    table = d.add_table(rows=2, cols=2)
    for r in range(2):
        for c in range(2):
            table.cell(r, c).text = sentence(rng, 3)
    d.save(str(path))
    return path


def worker_env() -> dict:
    """Environment for worker processes: the repository on the path, models offline."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    return env


class Worker:
    """A worker process whose stdout and stderr go to files (pipes would lose buffered lines)."""

    def __init__(self, *args):
        import tempfile

        self.dir = Path(tempfile.mkdtemp(prefix="rel-worker-"))
        self.out_path, self.err_path = self.dir / "out.txt", self.dir / "err.txt"
        with open(self.out_path, "w") as out, open(self.err_path, "w") as err:
            self.proc = subprocess.Popen(
                [sys.executable, str(WORKER), *map(str, args)],
                cwd=ROOT,
                env=worker_env(),
                stdout=out,
                stderr=err,
            )

    @property
    def returncode(self):
        return self.proc.returncode

    def output(self) -> tuple[str, str]:
        return self.out_path.read_text(), self.err_path.read_text()

    def wait(self, timeout: float) -> tuple[int, str, str]:
        import shutil

        self.proc.wait(timeout=timeout)
        out, err = self.output()
        shutil.rmtree(self.dir, ignore_errors=True)
        return self.proc.returncode, out, err


def start_worker(*args) -> Worker:
    """Start ``rel_worker.py`` with ``args``; it prints 'ready' once its imports are done."""
    return Worker(*args)


def wait_ready(worker: Worker, timeout: float = 60) -> None:
    """Block until the worker printed its 'ready' line."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if "ready\n" in worker.out_path.read_text():
            return
        if worker.proc.poll() is not None:
            raise AssertionError(
                f"worker exited early ({worker.proc.returncode}): {worker.output()[1][-2000:]}"
            )
        time.sleep(0.02)
    raise AssertionError("worker did not become ready")


def kill_at_random(worker: Worker, rng: random.Random, max_delay: float) -> tuple[bool, str]:
    """SIGKILL the worker after a random delay; return (was still running, what it printed)."""
    time.sleep(rng.uniform(0.0, max_delay))
    alive = worker.proc.poll() is None
    if alive:
        worker.proc.send_signal(signal.SIGKILL)
    rc, out, err = worker.wait(timeout=60)
    if not alive and rc != 0:
        raise AssertionError(f"worker failed before the kill ({rc}): {err[-2000:]}")
    return alive, out


def raw_connect(path: Path) -> sqlite3.Connection:
    """Open the project file with plain sqlite3 (no migrations), as a checker would."""
    return sqlite3.connect(str(path), timeout=30)


def integrity_ok(path: Path) -> None:
    """Assert PRAGMA integrity_check and the FTS index check pass."""
    conn = raw_connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        conn.execute("INSERT INTO segments_fts(segments_fts) VALUES ('integrity-check')")
    finally:
        conn.close()


def assert_documents_whole(path: Path, expected: dict[str, dict] | None = None) -> int:
    """Assert every document has its text, pages and segments (matching ``expected`` by sha256).

    ``expected`` maps sha256 -> {"chars", "pages", "segments"}; returns the number of documents.
    """
    conn = raw_connect(path)
    try:
        rows = conn.execute(
            "SELECT d.id, d.sha256, d.char_count, d.page_count, length(t.text),"
            " (SELECT COUNT(*) FROM pages p WHERE p.document_id = d.id),"
            " (SELECT COUNT(*) FROM segments s WHERE s.document_id = d.id)"
            " FROM documents d LEFT JOIN document_texts t ON t.document_id = d.id"
        ).fetchall()
        for doc_id, sha, chars, page_count, text_len, pages, segments in rows:
            assert text_len is not None, f"document {doc_id} has no text"
            assert text_len == chars, f"document {doc_id}: text {text_len} chars, row says {chars}"
            assert pages == page_count, (
                f"document {doc_id}: {pages} pages stored, row says {page_count}"
            )
            if expected is not None:
                exp = expected[sha]
                assert (text_len, pages, segments) == (
                    exp["chars"],
                    exp["pages"],
                    exp["segments"],
                ), f"document {doc_id} is partial: {(text_len, pages, segments)} != {exp}"
        orphans = conn.execute(
            "SELECT (SELECT COUNT(*) FROM document_texts WHERE document_id NOT IN (SELECT id FROM "
            "documents)), (SELECT COUNT(*) FROM segments WHERE document_id NOT IN (SELECT id FROM "
            "documents))"
        ).fetchone()
        assert orphans == (0, 0)
        current = conn.execute(
            "SELECT source_name, kind, COUNT(*) FROM documents WHERE is_current = 1 GROUP BY 1, 2 "
            "HAVING COUNT(*) > 1"
        ).fetchall()
        assert current == [], f"several current versions: {current}"
        return len(rows)
    finally:
        conn.close()


def read_json_lines(text: str) -> list[dict]:
    """Return the JSON objects printed one per line by a worker (other lines ignored)."""
    out = []
    for line in text.splitlines():
        if line.startswith("{"):
            out.append(json.loads(line))
    return out


def synthetic_document(
    seed: int, index: int, source_name: str | None = None, paragraphs: int | None = None
):
    """Return a deterministic corpus Document with pages and paragraph segments (no file needed)."""
    from corpus.model import Document, Page, Segment, sha256_bytes

    rng = random.Random(seed * 1_000_003 + index)
    n = paragraphs or rng.randint(3, 40)
    parts, segments, pages, pos, page_start = [], [], [], 0, 0
    per_page = rng.randint(2, 6)
    for i in range(n):
        if parts:
            parts.append("\n\n")
            pos += 2
        text = " ".join(sentence(rng) for _ in range(rng.randint(1, 4)))
        page_no = len(pages) + 1
        segments.append(Segment(start=pos, end=pos + len(text), kind="paragraph", page=page_no))
        parts.append(text)
        pos += len(text)
        if (i + 1) % per_page == 0 or i == n - 1:
            pages.append(Page(number=page_no, start=page_start, end=pos))
            page_start = pos + 2
    text = "".join(parts)
    name = source_name or f"synthetic-{seed}-{index}.pdf"
    doc = Document(
        text=text,
        title=f"Synthetic {seed}/{index} (fictional)",
        source_name=name,
        file_type="pdf",
        pages=pages,
        segments=segments,
        language="other",
    )
    doc.sha256 = sha256_bytes(f"{seed}/{index}/{name}/{text}".encode())
    doc.size = len(text)
    doc.check()
    return doc


def expected_of(doc) -> dict:
    """Return the shape a stored document must have: chars, pages, segments."""
    return {"chars": len(doc.text), "pages": len(doc.pages), "segments": len(doc.segments)}


def coding_project(path: Path, documents: int = 6) -> None:
    """Create a project with synthetic documents and a small codebook for coding workers."""
    from coding import add_code
    from corpus.store import store_document
    from projectfile import open_project

    db = open_project(path)
    try:
        for i in range(documents):
            store_document(db, synthetic_document(77, i, paragraphs=20))
        parent = add_code(db, "Innovation councils", definition="Fictional demo code")
        add_code(db, "Binational", parent=parent)
        add_code(db, "Consortia")
        add_code(db, "NAFTA-era policy")
        add_code(db, "Training")
    finally:
        db.conn.close()


def run_workers(specs: list[tuple], timeout: float = 300) -> list[tuple[int, str, str]]:
    """Start workers for every spec, release them together, return (returncode, stdout, stderr)
    each."""
    workers = [start_worker(*spec) for spec in specs]
    for w in workers:
        wait_ready(w, timeout=120)
    return [w.wait(timeout) for w in workers]


SPEAKERS = ["Ana López", "Roberto Garza", "Dr. Emily Carter", "Luis Fernández"]


def _stamp(seconds: float, sep: str = ".") -> str:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{int(h):02d}:{int(m):02d}:{int(s):02d}{sep}{int((s % 1) * 1000):03d}"


def make_transcripts(folder: Path, seed: int, count: int = 6, turns: int = 60) -> Path:
    """Write fictional VTT, SRT and labelled TXT interviews (English and Spanish) into
    ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        rng = random.Random(seed * 100 + i)
        kind = ("vtt", "srt", "txt")[i % 3]
        lines, t = [], 0.0
        if kind == "vtt":
            lines.append("WEBVTT\n")
        for n in range(turns):
            who = SPEAKERS[n % 2 + (i % 2) * 2]
            text = " ".join(sentence(rng) for _ in range(rng.randint(1, 3)))
            if kind == "vtt":
                lines.append(f"{_stamp(t)} --> {_stamp(t + 4.5)}\n<v {who}>{text}</v>\n")
            elif kind == "srt":
                lines.append(
                    f"{n + 1}\n{_stamp(t, ',')} --> {_stamp(t + 4.5, ',')}\n{who}: {text}\n"
                )
            else:
                lines.append(f"{'Interviewer' if n % 2 == 0 else 'Interviewee'}: {text}\n")
            t += 5
        (folder / f"interview-{seed}-{i}.{kind}").write_text("\n".join(lines), encoding="utf-8")
    return folder


def assert_transcripts_whole(db) -> int:
    """Assert every interview document has its transcript row and one turn per turn segment; return
    the count."""
    from corpus.store import get_segments, list_documents
    from interviews import transcripts_frame, turns_frame

    docs = list_documents(db, kind="interview", include_old=True)
    tr = transcripts_frame(db, include_old=True).set_index("document_id")
    turns = turns_frame(db)
    for doc_id in docs["id"]:
        doc_id = int(doc_id)
        assert doc_id in tr.index, f"interview document {doc_id} has no transcript row"
        segs = get_segments(db, doc_id, kind="turn")
        mine = turns[turns["document_id"] == doc_id]
        assert len(segs) > 0 and len(mine) == len(segs), (
            f"document {doc_id}: {len(mine)} turns for {len(segs)} segments"
        )
    assert set(tr.index) <= {int(i) for i in docs["id"]}
    return len(docs)


def transcript_outcome(path: str) -> tuple[str, str, int]:
    """Parse a transcript file the way import does; return (error code or '', reason, turns). Never
    raises."""
    from corpus.model import ParseError
    from interviews import parse_transcript
    from interviews.document import transcript_to_document

    try:
        tr = parse_transcript(path)
        doc = transcript_to_document(tr, Path(path).read_bytes(), language=False)
        doc.check()
        return "", "", len(tr.turns)
    except ParseError as exc:
        return f"parse_error:{exc.code}", f"{exc.filename}: {exc.reason}", 0
    except Exception as exc:  # the fuzz test reports these as bugs
        return "failed", f"{type(exc).__name__}: {str(exc)[:200]}", 0
