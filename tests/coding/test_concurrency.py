"""Two processes coding the same project file at once lose nothing."""

from __future__ import annotations

import coding as C
from corpus.worker_context import worker_context


def _worker(path: str, coder: str, doc: int, n: int) -> None:
    from projectfile import open_project

    db = open_project(path)
    for i in range(n):
        C.code_span(db, doc, i, i + 3, "Shared", coder)
        if i % 10 == 0:
            C.add_code(db, f"{coder} {i}")
    db.conn.close()


def test_two_processes_coding_at_once_lose_nothing(db, docs, project_path):
    C.add_code(db, "Shared")
    ctx = worker_context()  # never replays an AppTest's streamlit_app.py as __main__
    n = 60
    procs = [
        ctx.Process(target=_worker, args=(str(project_path), coder, docs["policy"], n))
        for coder in ("ana", "ben")
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    df = C.codings_frame(db)
    assert df.groupby("coder").size().to_dict() == {"ana": n, "ben": n}
    assert len(C.codes_frame(db)) == 1 + 2 * (n // 10)
    assert (
        db.execute("SELECT COUNT(*) FROM audit_log WHERE entity = 'codings'").fetchone()[0] == 2 * n
    )
