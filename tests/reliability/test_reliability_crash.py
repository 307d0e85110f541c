"""Crash safety: SIGKILL writers at random points; the file stays sound and every write is whole or
absent."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from rel_helpers import (
    assert_documents_whole,
    expected_of,
    integrity_ok,
    kill_at_random,
    make_docx,
    make_pdf,
    make_txt,
    read_json_lines,
    start_worker,
    synthetic_document,
    wait_ready,
)

STORE_COUNT = 400


def _store_expected(seeds) -> dict:
    out = {}
    for seed in seeds:
        for i in range(STORE_COUNT):
            doc = synthetic_document(seed, i)
            out[doc.sha256] = expected_of(doc)
    return out


def _committed_present(path: Path, shas: list[str]) -> None:
    from rel_helpers import raw_connect

    conn = raw_connect(path)
    try:
        stored = {r[0] for r in conn.execute("SELECT sha256 FROM documents")}
    finally:
        conn.close()
    missing = [s for s in shas if s not in stored]
    assert not missing, f"{len(missing)} committed documents were lost after the kill"


def _crash_store(tmp_path: Path, runs: int, seed: int) -> None:
    from projectfile import open_project

    path = tmp_path / "crash-store.qda.sqlite"
    open_project(path).conn.close()
    rng = random.Random(seed)
    seeds = list(range(seed, seed + runs))
    expected = _store_expected(seeds)
    killed_mid_way = 0
    for s in seeds:
        proc = start_worker("store", path, s, STORE_COUNT)
        wait_ready(proc)
        alive, out = kill_at_random(proc, rng, 2.0)
        killed_mid_way += alive
        integrity_ok(path)
        assert_documents_whole(path, expected)
        _committed_present(path, [r["sha"] for r in read_json_lines(out)])
        db = open_project(path)  # a killed writer leaves nothing that stops the next open
        db.conn.close()
    assert killed_mid_way >= runs // 2, "most runs should be killed while writing"


def test_reliability_store_survives_sigkill(tmp_path):
    _crash_store(tmp_path, runs=4, seed=11)


@pytest.mark.slow
def test_reliability_store_survives_sigkill_long(tmp_path):
    _crash_store(tmp_path, runs=25, seed=101)


def _ingest_folder(folder: Path, seed: int) -> Path:
    folder.mkdir()
    make_pdf(folder / f"informe-{seed}-a.pdf", pages=3, seed=seed)
    make_pdf(folder / f"report-{seed}-b.pdf", pages=2, seed=seed + 1)
    make_txt(folder / f"notas-{seed}.txt", paragraphs=30, seed=seed, encoding="cp1252")
    make_txt(folder / f"notes-{seed}.txt", paragraphs=20, seed=seed + 7)
    make_docx(folder / f"acuerdo-{seed}.docx", paragraphs=15, seed=seed)
    return folder


def _expected_of_folder(folder: Path) -> dict:
    from corpus.parse import parse_path

    out = {}
    for f in sorted(folder.iterdir()):
        doc = parse_path(str(f))
        out[doc.sha256] = expected_of(doc)
    return out


def _crash_ingest(tmp_path: Path, runs: int, seed: int) -> None:
    from corpus.ingest import ingest
    from projectfile import list_backups, open_project

    path = tmp_path / "crash-ingest.qda.sqlite"
    db = open_project(path)
    rng = random.Random(seed)
    expected: dict = {}
    folders = []
    first = _ingest_folder(tmp_path / "first", seed - 1)
    ingest([str(first)], db, workers=1)  # a project with content, so each ingest backs up first
    expected.update(_expected_of_folder(first))
    db.conn.close()
    for run in range(runs):
        folder = _ingest_folder(tmp_path / f"batch{run}", seed + 10 * run)
        folders.append(folder)
        expected.update(_expected_of_folder(folder))
        proc = start_worker("ingest", path, folder)
        wait_ready(proc)
        kill_at_random(proc, rng, 4.0)
        integrity_ok(path)
        assert_documents_whole(path, expected)
    for backup in list_backups(path):  # a kill during a backup leaves no half-written backup behind
        integrity_ok(backup)
    # Re-running the same batches after the crashes completes them: nothing is lost for good.
    db = open_project(path)
    outcomes = ingest([str(f) for f in folders], db, workers=1, backup=False)
    assert not [o for o in outcomes if o.status == "failed"]
    assert assert_documents_whole(path, expected) == len(expected)
    db.conn.close()


def test_reliability_ingest_survives_sigkill(tmp_path):
    _crash_ingest(tmp_path, runs=3, seed=500)


@pytest.mark.slow
def test_reliability_ingest_survives_sigkill_long(tmp_path):
    _crash_ingest(tmp_path, runs=20, seed=900)


def _crash_coding(tmp_path: Path, runs: int, seed: int) -> None:
    from rel_helpers import coding_project

    from coding import audit_frame, batches_frame, codings_frame
    from projectfile import open_project

    path = tmp_path / "crash-coding.qda.sqlite"
    coding_project(path)
    rng = random.Random(seed)
    claimed: set[int] = set()
    batches: set[int] = set()
    for run in range(runs):
        burst = run % 2 == 0
        args = (
            ("code", path, f"coder{run % 3}", 30, seed + run)
            if burst
            else ("batch", path, f"auto{run % 2}", 200, seed + run)
        )
        proc = start_worker(*args)
        wait_ready(proc)
        _, out = kill_at_random(proc, rng, 2.0)
        rows = read_json_lines(out)
        claimed.update(r["coding_id"] for r in rows if "coding_id" in r)
        batches.update(r["batch_id"] for r in rows if "batch_id" in r)
        integrity_ok(path)
        db = open_project(path)
        try:
            frame = codings_frame(db)
            assert claimed <= set(frame["coding_id"]), "a coding the coder saw saved was lost"
            created = audit_frame(db, entity="codings", limit=10**7)
            created = set(created.loc[created["action"] == "create", "entity_id"])
            assert set(frame["coding_id"]) == created, (
                "a coding without its audit row, or the reverse"
            )
            stored_batches = batches_frame(db)
            assert batches <= set(stored_batches["batch_id"])
            for b in stored_batches.itertuples():  # each auto-coding batch is all there
                assert b.count == len(frame[frame["batch_id"] == b.batch_id])
            orphan = frame["batch_id"].dropna()
            assert set(orphan.astype(int)) <= set(stored_batches["batch_id"])
        finally:
            db.conn.close()


def test_reliability_coding_survives_sigkill(tmp_path):
    _crash_coding(tmp_path, runs=4, seed=31)


@pytest.mark.slow
def test_reliability_coding_survives_sigkill_long(tmp_path):
    _crash_coding(tmp_path, runs=40, seed=301)


def _project_counts(path: Path) -> tuple[int, int, int]:
    from coding import codes_frame, codings_frame
    from corpus.store import list_documents
    from projectfile import open_project

    db = open_project(path)
    try:
        return (
            len(list_documents(db, include_old=True)),
            len(codes_frame(db)),
            len(codings_frame(db)),
        )
    finally:
        db.conn.close()


def _crash_qdpx_import(tmp_path: Path, runs: int, seed: int) -> None:
    from rel_helpers import coding_project

    from coding import apply_batch
    from corpus.store import get_text, list_documents
    from exports import export_qdpx
    from projectfile import copy_project, open_project

    source = tmp_path / "source.qda.sqlite"
    coding_project(source, documents=25)
    db = open_project(source)
    rng = random.Random(seed)
    docs = [(int(i), len(get_text(db, int(i)))) for i in list_documents(db)["id"]]
    rows = []
    for _ in range(600):
        doc, n = rng.choice(docs)
        s = rng.randrange(n - 50)
        rows.append(
            {
                "document_id": doc,
                "char_start": s,
                "char_end": s + rng.randint(5, 50),
                "code": "Consortia",
            }
        )
    apply_batch(db, rows, rule="seed codings", coder="ana")
    qdpx = export_qdpx(db, tmp_path / "source.qdpx")
    db.conn.close()
    base = tmp_path / "base.qda.sqlite"
    db = open_project(base)
    from corpus.store import store_document

    for i in range(3):
        store_document(db, synthetic_document(seed, i))
    db.conn.close()
    before = _project_counts(base)
    full = None
    outcomes = {"absent": 0, "whole": 0}
    for run in range(runs):
        target = tmp_path / f"target{run}.qda.sqlite"
        copy_project(base, target)
        proc = start_worker("import-qdpx", qdpx, target)
        wait_ready(proc)
        _, out = kill_at_random(proc, rng, 1.2)
        integrity_ok(target)
        after = _project_counts(target)
        if read_json_lines(out):
            full = after
        if after == before:
            outcomes["absent"] += 1
        else:
            outcomes["whole"] += 1
            if (
                full is None
            ):  # learn the complete result once, from an import that is left to finish
                ref = tmp_path / "reference.qda.sqlite"
                copy_project(base, ref)
                from exports import import_qdpx

                import_qdpx(qdpx, ref)
                full = _project_counts(ref)
            assert after == full, f"partial import: {after} is neither {before} nor {full}"
        assert_documents_whole(target)
    print(f"qdpx import kills: {outcomes}")


def test_reliability_qdpx_import_survives_sigkill(tmp_path):
    _crash_qdpx_import(tmp_path, runs=4, seed=71)


@pytest.mark.slow
def test_reliability_qdpx_import_survives_sigkill_long(tmp_path):
    _crash_qdpx_import(tmp_path, runs=20, seed=701)


def _crash_transcripts(tmp_path: Path, runs: int, seed: int) -> None:
    from rel_helpers import assert_transcripts_whole, make_transcripts

    from interviews import import_transcripts
    from projectfile import open_project

    path = tmp_path / "crash-transcripts.qda.sqlite"
    db = open_project(path)
    import_transcripts([str(make_transcripts(tmp_path / "first", seed - 1, count=2))], db)
    db.conn.close()
    rng = random.Random(seed)
    folders = []
    for run in range(runs):
        folder = make_transcripts(tmp_path / f"batch{run}", seed + run)
        folders.append(folder)
        proc = start_worker("import-transcripts", path, folder)
        wait_ready(proc)
        kill_at_random(proc, rng, 3.0)
        integrity_ok(path)
        assert_documents_whole(path)
        db = open_project(path)
        try:
            assert_transcripts_whole(db)
        finally:
            db.conn.close()
    db = open_project(path)
    try:
        outcomes = import_transcripts([str(f) for f in folders], db)
        assert not [o for o in outcomes if o.status == "failed"], [
            o.reason for o in outcomes if o.status == "failed"
        ]
        assert assert_transcripts_whole(db) == 2 + 6 * runs
    finally:
        db.conn.close()


def test_reliability_transcript_import_survives_sigkill(tmp_path):
    _crash_transcripts(tmp_path, runs=3, seed=41)


@pytest.mark.slow
def test_reliability_transcript_import_survives_sigkill_long(tmp_path):
    _crash_transcripts(tmp_path, runs=20, seed=401)
