"""Worker process for the reliability tests: does one kind of write work until killed or done.

Run as ``python rel_worker.py MODE ARGS...``; prints ``ready`` once imports are done, then one
JSON line per write that returned (committed), so the test knows what must be in the file.
"""

from __future__ import annotations

import json
import random
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from rel_helpers import synthetic_document

# Each package registers its tables when imported: a worker's new project has all of them, as one
# made by the CLI or the app does.
import coding  # noqa: E402, F401
import exports  # noqa: E402, F401
import nlp  # noqa: E402, F401


def emit(**row) -> None:
    print(json.dumps(row), flush=True)


def mode_store(project: str, seed: str, count: str) -> None:
    """Store ``count`` synthetic documents one transaction each."""
    from corpus.store import store_document
    from projectfile import open_project

    db = open_project(project)
    print("ready", flush=True)
    for i in range(int(count)):
        doc = synthetic_document(int(seed), i)
        emit(sha=doc.sha256, id=store_document(db, doc))


def mode_ingest(project: str, folder: str) -> None:
    """Ingest a folder in this process (serial parsing, so the kill lands in parse or write)."""
    from corpus.ingest import ingest
    from projectfile import open_project

    db = open_project(project)
    print("ready", flush=True)
    outcomes = ingest([folder], db, workers=1)
    emit(
        ok=sum(o.status == "ok" for o in outcomes),
        failed=sum(o.status == "failed" for o in outcomes),
    )


def mode_concurrent_store(project: str, worker: str, seconds: str, seed: str) -> None:
    """For ``seconds``: store own documents, race others for shared ones, add versions of a shared
    name."""
    from corpus.store import DuplicateDocument, list_documents, store_document
    from projectfile import open_project

    w, rng = int(worker), random.Random(int(seed) * 31 + int(worker))
    db = open_project(project)
    print("ready", flush=True)
    end = time.monotonic() + float(seconds)
    i = 0
    while time.monotonic() < end:
        roll = rng.random()
        if roll < 0.5:
            doc = synthetic_document(1000 + w, i, paragraphs=rng.randint(2, 12))
            kind = "own"
        elif roll < 0.8:
            doc = synthetic_document(
                int(seed), rng.randrange(40), paragraphs=6
            )  # same 40 docs for every worker
            kind = "shared"
        else:
            doc = synthetic_document(2000 + w, i, source_name="shared-versioned.pdf", paragraphs=3)
            kind = "version"
        i += 1
        try:
            doc_id = store_document(
                db, doc, segment_language=False
            )  # the write path, not language detection, is tested
            emit(kind=kind, status="ok", sha=doc.sha256, id=doc_id, worker=w)
        except DuplicateDocument as dup:
            emit(kind=kind, status="duplicate", sha=doc.sha256, id=dup.document_id, worker=w)
        if i % 5 == 0:
            list_documents(db)


def mode_reader(project: str, seconds: str) -> None:
    """Run read queries for ``seconds``; print how many ran."""
    from corpus import search
    from corpus.store import list_documents, project_stats
    from projectfile import open_project

    db = open_project(project)
    print("ready", flush=True)
    end = time.monotonic() + float(seconds)
    n = 0
    while time.monotonic() < end:
        search(db, "consortium OR consorcio", limit=20)
        list_documents(db)
        project_stats(db)
        _extra_reads(db)
        n += 1
    emit(queries=n)


def _extra_reads(db) -> None:
    from coding import codings_frame

    codings_frame(db)


def mode_code(project: str, coder: str, seconds: str, seed: str) -> None:
    """Coding burst for ``seconds``: code random spans of every document, one transaction each."""
    from coding import code_span, codes_frame, ensure_coder
    from corpus.store import get_text, list_documents
    from projectfile import open_project

    db = open_project(project)
    rng = random.Random(int(seed))
    ensure_coder(db, coder)
    docs = [(int(r.id), len(get_text(db, int(r.id)))) for r in list_documents(db).itertuples()]
    codes = [int(c) for c in codes_frame(db)["id"]]
    print("ready", flush=True)
    end = time.monotonic() + float(seconds)
    while time.monotonic() < end:
        doc_id, n = rng.choice(docs)
        start = rng.randrange(max(1, n - 20))
        stop = min(n, start + rng.randint(1, 200))
        code = rng.choice(codes)
        cid = code_span(db, doc_id, start, stop, code, coder, memo=f"{coder} {start}")
        emit(coding_id=cid, document_id=doc_id, start=start, end=stop, code=code, coder=coder)


def mode_batch(project: str, coder: str, count: str, seed: str) -> None:
    """Auto-coding bursts: ``count`` batches of 50 codings each via coding.apply_batch."""
    from coding import apply_batch, codes_frame
    from corpus.store import get_text, list_documents
    from projectfile import open_project

    db = open_project(project)
    rng = random.Random(int(seed))
    docs = [(int(r.id), len(get_text(db, int(r.id)))) for r in list_documents(db).itertuples()]
    codes = [int(c) for c in codes_frame(db)["id"]]
    print("ready", flush=True)
    for b in range(int(count)):
        rows = []
        for _ in range(50):
            doc_id, n = rng.choice(docs)
            start = rng.randrange(max(1, n - 20))
            rows.append(
                {
                    "document_id": doc_id,
                    "char_start": start,
                    "char_end": min(n, start + 30),
                    "code": rng.choice(codes),
                }
            )
        batch_id = apply_batch(db, rows, rule=f"rule {b}", coder=coder)
        emit(batch_id=batch_id, rows=len(rows))


def mode_fill(project: str, fsize: str) -> None:
    """Store documents until the file-size limit (RLIMIT_FSIZE, like a full disk) stops the
    writes."""
    import resource
    import signal

    from corpus.store import store_document
    from projectfile import ProjectError, open_project

    db = open_project(project)
    store_document(
        db, synthetic_document(4241, 0, paragraphs=3)
    )  # loads the language model before the limit
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG from write() instead of being killed
    resource.setrlimit(resource.RLIMIT_FSIZE, (int(fsize), int(fsize)))
    print("ready", flush=True)
    stored = 0
    try:
        for i in range(100_000):
            store_document(db, synthetic_document(4242, i, paragraphs=30))
            stored += 1
    except ProjectError as exc:
        emit(stored=stored, code=exc.code, message=str(exc))
        return
    emit(stored=stored, code=None, message="never filled")


def mode_import_qdpx(qdpx: str, project: str) -> None:
    """Import a REFI-QDA project file into ``project`` (one transaction in exports.import_qdpx)."""
    from exports import import_qdpx

    print("ready", flush=True)
    report = import_qdpx(qdpx, project)
    emit(imported=report.imported)


def mode_import_transcripts(project: str, folder: str) -> None:
    """Import a folder of transcripts (interviews.import_transcripts: one transaction per file)."""
    from interviews import import_transcripts
    from projectfile import open_project

    db = open_project(project)
    print("ready", flush=True)
    outcomes = import_transcripts([folder], db)
    emit(ok=sum(o.status == "ok" for o in outcomes))


MODES = {
    "import-transcripts": mode_import_transcripts,
    "import-qdpx": mode_import_qdpx,
    "fill": mode_fill,
    "store": mode_store,
    "ingest": mode_ingest,
    "concurrent-store": mode_concurrent_store,
    "reader": mode_reader,
    "code": mode_code,
    "batch": mode_batch,
}


if __name__ == "__main__":
    mode, *args = sys.argv[1:]
    try:
        MODES[mode](*args)
    except Exception:
        traceback.print_exc()
        sys.exit(1)
