"""Parallel ingestion: process pool, Dask LocalCluster, a worker crash, the per-file time limit."""

from __future__ import annotations

import pytest
from corpus_fixtures import LOREM, crashing_parse, make_long_pdf, make_pdf

from corpus.ingest import ingest, process_executor
from corpus.store import get_text, list_documents


def _folder(tmp_path, n=6):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(n):
        if i % 2:
            make_pdf(
                folder / f"doc{i}.pdf",
                [[f"Document {i}, page one. " + LOREM], [f"Page two of document {i}."]],
            )
        else:
            (folder / f"doc{i}.txt").write_text(f"Text file {i} about the consortium.\n\n" + LOREM)
    return folder


def _snapshot(db):
    docs = list_documents(db).sort_values("sha256")
    return [(r.title, r.sha256, r.page_count, get_text(db, int(r.id))) for r in docs.itertuples()]


def _serial(tmp_path, folder):
    from projectfile import open_project

    ref = open_project(tmp_path / "serial.qda.sqlite")
    outcomes = ingest([str(folder)], ref, workers=1)
    assert all(o.status == "ok" for o in outcomes)
    return _snapshot(ref)


def test_parallel_process_pool_same_documents_as_serial(tmp_path, db):
    folder = _folder(tmp_path)
    expected = _serial(tmp_path, folder)
    with process_executor(2) as pool:
        outcomes = ingest([str(folder)], db, executor=pool)
    assert [o.status for o in outcomes] == ["ok"] * 6
    assert _snapshot(db) == expected
    # the default path (no executor given, workers=2) makes its own pool
    from projectfile import open_project

    other = open_project(tmp_path / "own.qda.sqlite")
    ingest([str(folder)], other, workers=2)
    assert _snapshot(other) == expected


def test_parallel_dask_local_cluster_same_documents(tmp_path, db):
    distributed = pytest.importorskip("distributed")
    folder = _folder(tmp_path, n=4)
    expected = _serial(tmp_path, folder)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        from corpus.ingest import dask_executor

        client, executor = dask_executor(cluster.scheduler_address)
        try:
            outcomes = ingest([str(folder)], db, executor=executor)
        finally:
            client.close()
    assert [o.status for o in outcomes] == ["ok"] * 4
    assert _snapshot(db) == expected


def test_parallel_cli_scheduler_option(tmp_path, capsys):
    distributed = pytest.importorskip("distributed")
    import json

    import cli

    folder = _folder(tmp_path, n=2)
    project = tmp_path / "cli.qda.sqlite"
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        code = cli.main(
            [
                "ingest",
                str(folder),
                "--project",
                str(project),
                "--scheduler",
                cluster.scheduler_address,
                "--quiet",
                "--format",
                "json",
            ]
        )
    rows = json.loads(capsys.readouterr().out)
    assert code == 0 and [r["status"] for r in rows] == ["ok", "ok"]


def test_parallel_worker_crash_marks_file_and_goes_on(tmp_path, db):
    folder = _folder(tmp_path, n=6)
    (folder / "crash_me.txt").write_text("this file kills its worker")
    outcomes = ingest([str(folder)], db, workers=2, parser=crashing_parse)
    status = {o.path.rsplit("/", 1)[-1]: (o.status, o.reason) for o in outcomes}
    assert status["crash_me.txt"][0] == "failed"
    assert "parser process died" in status["crash_me.txt"][1]
    assert all(st == "ok" for name, (st, _) in status.items() if name != "crash_me.txt"), status
    assert len(list_documents(db)) == 6


def test_parallel_per_file_time_limit_in_workers(tmp_path, db):
    folder = tmp_path / "slow"
    folder.mkdir()
    # 600 pages: seconds of parsing on any machine (40 pages once parsed within 1 s on a fast one)
    make_long_pdf(folder / "big.pdf", pages=600)
    (folder / "small.txt").write_text("A small file that parses at once.")
    outcomes = ingest([str(folder)], db, workers=2, timeout_s=1)
    status = {o.path.rsplit("/", 1)[-1]: (o.status, o.reason) for o in outcomes}
    assert status["small.txt"][0] == "ok"
    assert status["big.pdf"][0] == "failed" and "longer than 1 s" in status["big.pdf"][1]
