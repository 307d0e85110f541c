"""The meaning index follows ingest, edits and merges by itself: new documents are embedded (in
front of the CLI, or by a background job with its own connection in the app), one job per
project, the setting 'off' honoured, and the Search page has no "Index now" button."""

from __future__ import annotations

import threading

import pytest
from workflow_data import FakeEncoder, coded_transcript

MODEL = "all-MiniLM-L6-v2"  # 384 dimensions: the fake encoder's


def _write(folder, name: str, text: str):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


PARAS = (
    "The federal grant arrived nine months late, so the laboratory took a bank loan.\n\n"
    "Member firms pay an annual fee that covers the salaries of two engineers."
)


def test_follow_versions_indexes_new_documents(db, tmp_path):
    from corpus import list_documents
    from nlp import index_passages, index_status
    from workflows import ingest_files

    coded_transcript(db, tmp_path)
    encoder = FakeEncoder()
    index_passages(db, MODEL, encoder=encoder)
    assert index_status(db, MODEL)["indexed_documents"] == 1

    report = ingest_files(db, [_write(tmp_path, "new.txt", PARAS)], encoder=encoder)

    assert [o.status for o in report.outcomes] == ["ok"]
    status = index_status(db, MODEL)
    assert status["documents"] == status["indexed_documents"] == 2 == len(list_documents(db))
    assert MODEL in report.versions.meaning
    assert report.versions.meaning[MODEL].embedded == 2  # the new document's two paragraphs


def test_follow_versions_off_setting_and_no_index_embed_nothing(db, tmp_path):
    from nlp import index_passages, index_status
    from workflows import ingest_files, set_meaning_setting

    # no index and the setting unset: the CLI embeds nothing behind the project's back
    report = ingest_files(db, [_write(tmp_path, "a.txt", PARAS)], encoder=FakeEncoder())
    assert report.versions.meaning == {} and index_status(db, MODEL)["passages"] == 0
    index_passages(db, MODEL, encoder=FakeEncoder())
    set_meaning_setting(db, "off")
    report = ingest_files(db, [_write(tmp_path, "b.txt", PARAS + " More.")], encoder=FakeEncoder())
    status = index_status(db, MODEL)
    assert report.versions.meaning == {}
    assert status["indexed_documents"] == 1 < status["documents"] == 2
    with pytest.raises(ValueError):
        set_meaning_setting(db, "sometimes")


class SlowEncoder(FakeEncoder):
    """Waits on ``gate`` before each batch, so a test can act while the job runs."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.started = threading.Event()

    def encode(self, texts):
        self.started.set()
        assert self.gate.wait(30), "the test never opened the gate"
        return super().encode(texts)


def test_background_index_own_connection_and_lock(project_path, tmp_path):
    from corpus import set_project_meta
    from nlp import index_status
    from projectfile import open_project
    from workflows import index_job, ingest_files, start_background_index
    from workflows.meaning_index import lock_path

    db = open_project(project_path)
    ingest_files(db, [_write(tmp_path, "first.txt", PARAS)])
    encoder = SlowEncoder()
    job = start_background_index(project_path, MODEL, encoder=encoder)
    assert encoder.started.wait(30)
    again = start_background_index(project_path, MODEL, encoder=encoder)
    assert again is job and job.again and job.running()  # one job; a second pass asked for
    assert index_job(project_path, MODEL) is job
    assert lock_path(project_path).exists()
    # the app writes while the job embeds: no "database is locked"
    set_project_meta(db, "note", "written during the job")
    second = "A second document arrives while the first one is being embedded, here and now."
    ingest_files(db, [_write(tmp_path, "second.txt", second)])
    encoder.gate.set()
    assert job.wait(60) and job.error is None, job.error
    status = index_status(db, MODEL)
    assert status["documents"] == status["indexed_documents"] == 2  # the second pass took it
    assert job.done == job.total and job.fraction() == 1.0
    db.conn.close()


def test_edit_and_merge_reindex_changed_passages(db, tmp_path):
    from corpus import get_text
    from nlp import index_passages, index_status
    from projectfile import open_project
    from workflows import correct_document, ingest_files, merge_project

    doc, _src = coded_transcript(db, tmp_path)
    encoder = FakeEncoder()
    index_passages(db, MODEL, encoder=encoder)
    done = correct_document(
        db, doc, get_text(db, doc).replace("a year", "a long year"), "ana", encoder=encoder
    )
    assert done.versions.meaning[MODEL].embedded == 1  # only the changed turn

    other_path = tmp_path / "other.qda.sqlite"
    other = open_project(other_path)
    ingest_files(other, [_write(tmp_path, "o.txt", PARAS)])
    other.conn.close()
    before = index_status(db, MODEL)
    merge_project(db, other_path, coder="ana", encoder=encoder)
    after = index_status(db, MODEL)
    assert after["documents"] == before["documents"] + 1
    assert after["indexed_documents"] == after["documents"]
