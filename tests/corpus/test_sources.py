"""PDFs uploaded in the browser are kept beside the project, so their page images outlive the
temporary upload folder (issue 20 §3), and a shareable copy never points at them."""

from __future__ import annotations

import hashlib
import shutil
import stat

from corpus_fixtures import LOREM, make_pdf

from corpus import get_document, ingest_uploads, list_documents, page_image, sources_dir
from deid import shareable_copy
from projectfile import open_project


def _upload(tmp_path, project):
    (tmp_path / "src").mkdir(exist_ok=True)
    pdf = make_pdf(tmp_path / "src" / "report.pdf", [[LOREM], [LOREM + " Second page."]])
    data = pdf.read_bytes()
    db = open_project(project)
    folder = tmp_path / "upload-tmp"
    outcomes = ingest_uploads(db, [("report.pdf", data)], folder, workers=1)
    assert outcomes[0].status == "ok", outcomes[0].reason
    shutil.rmtree(folder)  # what the app's TemporaryDirectory does after the upload
    return db, int(list_documents(db).id.iloc[0]), hashlib.sha256(data).hexdigest()


def test_sources_uploaded_pdf_page_image_renders_after_the_upload_folder_is_gone(tmp_path):
    project = tmp_path / "work" / "p.qda.sqlite"
    db, doc_id, digest = _upload(tmp_path, project)
    kept = sources_dir(project) / f"{digest}.pdf"
    assert kept.is_file()
    assert stat.S_IMODE(sources_dir(project).stat().st_mode) == 0o700
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert get_document(db, doc_id)["source_path"] == f"p.qda.sqlite.sources/{digest}.pdf"
    assert page_image(db, doc_id, 2).size[0] > 100
    db.conn.close()


def test_sources_moved_project_folder_still_shows_page_images(tmp_path):
    project = tmp_path / "work" / "p.qda.sqlite"
    db, doc_id, _ = _upload(tmp_path, project)
    db.conn.close()
    moved = shutil.move(tmp_path / "work", tmp_path / "elsewhere")
    db = open_project(moved / "p.qda.sqlite")
    assert page_image(db, doc_id, 1).size[0] > 100
    db.conn.close()


def test_sources_upload_again_keeps_the_file_for_a_document_that_lost_it(tmp_path):
    project = tmp_path / "work" / "p.qda.sqlite"
    db, doc_id, _ = _upload(tmp_path, project)
    shutil.rmtree(sources_dir(project))
    data = (tmp_path / "src" / "report.pdf").read_bytes()
    outcomes = ingest_uploads(db, [("report.pdf", data)], tmp_path / "again", workers=1)
    assert outcomes[0].status == "skipped"
    shutil.rmtree(tmp_path / "again")
    assert page_image(db, doc_id, 1).size[0] > 100
    db.conn.close()


def test_sources_shareable_copy_neither_points_to_nor_carries_the_originals(tmp_path):
    project = tmp_path / "work" / "p.qda.sqlite"
    db, _, _ = _upload(tmp_path, project)
    report = shareable_copy(db, tmp_path / "work" / "shared.qda.sqlite")
    assert report.dropped["source_paths"] == 1
    copy = open_project(report.path)
    rows = copy.execute(
        "SELECT source_path, json_extract(metadata, '$.source_path') FROM documents"
    ).fetchall()
    assert rows == [(None, None)]
    assert not sources_dir(report.path).exists()
    copy.conn.close()
    db.conn.close()
