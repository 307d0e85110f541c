"""The search index beside the project follows every write: ingest, edits (new versions),
deletes, kind changes, de-identification; and a stale or foreign folder is never used."""

from __future__ import annotations

import shutil

import pytest
from search_index_fixtures import (
    IndexUse,
    index_from_ten_segments,
    same_hits,
    store_generated,
)

from corpus import (
    delete_document,
    rebuild_search_index,
    search,
    store_version,
    sync_search_index,
)
from corpus.ingest import ingest
from corpus.search import index as search_index
from corpus.store import set_document_fields
from projectfile import backup_project, copy_project, open_project, restore_backup


@pytest.fixture
def small_threshold(monkeypatch):
    index_from_ten_segments(monkeypatch)


def _pending(db) -> int:
    return db.execute("SELECT COUNT(*) FROM search_changes").fetchone()[0]


def _indexed(project) -> int:
    index = search_index.open_index(search_index.index_dir(project))
    return index.searcher().num_docs


def test_ingest_builds_then_keeps_the_index_in_step(db, project_path, tmp_path, small_threshold):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(4):
        (folder / f"t{i}.txt").write_text(
            "\n\n".join(
                f"Paragraph {j} of file {i}: consorcio tecnología council." for j in range(5)
            ),
            encoding="utf-8",
        )
    assert {o.status for o in ingest([str(folder)], db, workers=1)} == {"ok"}
    assert search_index.index_dir(project_path).is_dir()
    assert _indexed(project_path) == 20
    (folder / "t9.txt").write_text("Zacatecas consortium paragraph.\n\nAnother zacatecas one.")
    ingest([str(folder / "t9.txt")], db, workers=1)
    assert _pending(db) == 0  # applied after the batch
    assert _indexed(project_path) == 22
    assert same_hits(db, "zacatecas") == 2


def test_edit_delete_and_kind_change_reach_the_index(
    db, project_path, small_threshold, monkeypatch
):
    ids = store_generated(db)
    assert sync_search_index(db) == "built"
    use = IndexUse(monkeypatch)
    new_id = store_version(db, ids[1], "Una versión nueva: quetzalcoatl y la innovación.")
    assert _pending(db) > 0
    assert same_hits(db, "quetzalcoatl") >= 1
    assert _pending(db) == 0
    assert same_hits(db, "innovation OR innovación") > 0
    assert same_hits(db, "innovation OR innovación", include_old=True) > 0
    old_only = search(db, "the OR de", document_ids=[ids[1]])
    assert old_only.empty  # the old version is no longer current
    assert not search(db, "the OR de", document_ids=[ids[1]], include_old=True).empty
    delete_document(db, new_id)  # the previous version is current again
    assert same_hits(db, "quetzalcoatl") == 0
    assert not search(db, "the OR de", document_ids=[ids[1]]).empty
    delete_document(db, ids[2])
    assert search(db, "the OR de", document_ids=[ids[2]], include_old=True).empty
    set_document_fields(db, ids[3], kind="other")
    assert same_hits(db, "the OR de", kinds=["other"]) > 0
    assert use.used >= 8
    assert _indexed(project_path) == db.execute("SELECT COUNT(*) FROM segments").fetchone()[0]


def test_coding_edit_document_reaches_the_index(db, small_threshold, monkeypatch):
    from coding import edit_document

    ids = store_generated(db)
    sync_search_index(db)
    use = IndexUse(monkeypatch)
    text = db.execute("SELECT text FROM document_texts WHERE document_id = ?", [ids[0]]).fetchone()
    edit_document(db, ids[0], text[0] + "\n\nA paragraph about xochimilco.", coder="ana")
    assert same_hits(db, "xochimilco") == 1
    assert use.used >= 1


def test_deleted_folder_is_rebuilt_and_fts5_answers_meanwhile(db, project_path, small_threshold):
    store_generated(db)
    sync_search_index(db)
    shutil.rmtree(search_index.index_dir(project_path))
    assert same_hits(db, "tecnologia") > 0  # FTS5
    assert sync_search_index(db) == "built"
    assert _indexed(project_path) > 0


def test_background_rebuild_after_the_folder_is_lost(
    db, project_path, small_threshold, monkeypatch
):
    monkeypatch.setattr(search_index, "BACKGROUND_REBUILD", True)
    store_generated(db)
    sync_search_index(db)
    shutil.rmtree(search_index.index_dir(project_path))
    search(db, "tecnologia")  # FTS5 answers and a thread rebuilds
    search_index.wait_for_background()
    use = IndexUse(monkeypatch)
    assert same_hits(db, "tecnologia") > 0
    assert use.used == 1


def test_restored_backup_is_not_served_from_a_newer_index(db, project_path, small_threshold):
    store_generated(db)
    sync_search_index(db)
    backup = backup_project(db)
    ids = store_generated(db, n_docs=3, seed=99)
    store_version(db, ids[0], "Texto con la palabra huitzilopochtli.")
    assert same_hits(db, "huitzilopochtli") >= 1  # applied to the index
    db.conn.close()
    restore_backup(project_path, backup)
    db2 = open_project(project_path)
    try:
        assert same_hits(db2, "huitzilopochtli") == 0
        assert same_hits(db2, "the OR de") > 0
        assert sync_search_index(db2) == "built"
        assert same_hits(db2, "huitzilopochtli") == 0
    finally:
        db2.conn.close()


def test_a_copy_without_its_folder_and_a_foreign_folder(
    db, project_path, tmp_path, small_threshold
):
    store_generated(db)
    sync_search_index(db)
    copy = tmp_path / "copy.qda.sqlite"
    copy_project(db, copy)
    other = open_project(copy)
    try:
        assert same_hits(other, "tecnologia") > 0  # no folder: FTS5
        # the original's folder put beside the copy, then the original changes
        shutil.copytree(search_index.index_dir(project_path), search_index.index_dir(copy))
        store_version(other, 2, "Solo en la copia: tenochtitlan.")
        assert same_hits(other, "tenochtitlan") >= 1
        store_version(db, 2, "Solo en el original: teotihuacan.")
        assert same_hits(db, "teotihuacan") >= 1
        assert same_hits(other, "teotihuacan") == 0
    finally:
        other.conn.close()


def test_rebuild_after_deidentification_keeps_no_removed_name(db, project_path, small_threshold):
    """``rebuild_index`` (called by deid's shareable copy) leaves no token of deleted text."""
    from corpus import rebuild_index

    ids = store_generated(db)
    named = store_version(db, ids[0], "Entrevista con Xiomara Castañeda sobre la innovación.")
    sync_search_index(db)
    assert same_hits(db, "castañeda", include_old=True) >= 1
    store_version(db, named, "Entrevista con [Persona 1] sobre la innovación.")
    for doc_id in (r[0] for r in db.execute("SELECT id FROM documents WHERE is_current = 0")):
        delete_document(db, doc_id)
    rebuild_index(db)
    assert same_hits(db, "castañeda OR xiomara", include_old=True) == 0
    _assert_no_name(project_path, ["xiomara", "castaneda", "castañeda", "Castañeda"])


def test_shareable_copy_index_holds_no_real_name(db, tmp_path, small_threshold):
    from deid import pseudonymize, shareable_copy
    from interviews import import_transcripts

    store_generated(db)
    path = tmp_path / "council.txt"
    path.write_text(
        "Laura Méndez: How did you meet Ingrid Salazar?\n\n"
        "Daniel Ortega: Ingrid Salazar negotiated the training agreement.\n",
        encoding="utf-8",
    )
    assert [o.status for o in import_transcripts([str(path)], db)] == ["ok"]
    sync_search_index(db)
    assert same_hits(db, "salazar") == 2
    pseudonymize(db, names=["Ingrid Salazar"])
    out = shareable_copy(db, tmp_path / "shared.qda.sqlite").path
    assert search_index.index_dir(out).is_dir()
    copy = open_project(out)
    try:
        assert same_hits(copy, "salazar OR ingrid", include_old=True) == 0
        assert same_hits(copy, "training") == 1
    finally:
        copy.conn.close()
    _assert_no_name(out, ["salazar", "ingrid", "Salazar", "Ingrid"])


def _assert_no_name(project, names: list[str]) -> None:
    folder = search_index.index_dir(project)
    index = search_index.open_index(folder)
    searcher = index.searcher()
    for name in names:
        assert searcher.doc_freq("text", name) == 0
        assert searcher.terms_with_prefix("text", name[:4].lower()) == [] or all(
            not t.startswith(name.lower()[:5])
            for t, _n in searcher.terms_with_prefix("text", name[:4].lower())
        )
    blob = b"".join(f.read_bytes() for f in folder.rglob("*") if f.is_file())
    for name in names:
        assert name.encode("utf-8") not in blob


def test_rebuild_with_progress(db, small_threshold):
    store_generated(db, n_docs=5)
    seen = []
    n = rebuild_search_index(db, lambda done, total, msg: seen.append((done, total)))
    assert n == seen[-1][0] == seen[-1][1] > 0


def test_a_long_queue_is_applied_in_a_thread(db, small_threshold, monkeypatch):
    """A search never applies a long queue itself: FTS5 answers, a thread applies it."""
    store_generated(db)
    sync_search_index(db)
    monkeypatch.setattr(search_index, "BACKGROUND_REBUILD", True)
    monkeypatch.setattr(search_index, "APPLY_IN_SEARCH", 5)
    store_generated(db, n_docs=4, seed=31)
    use = IndexUse(monkeypatch)
    assert same_hits(db, "the OR de") > 0
    search_index.wait_for_background()
    assert _pending(db) == 0
    assert same_hits(db, "the OR de") > 0
    assert use.used >= 1


def test_a_damaged_folder_is_not_used_and_is_rebuilt(
    db, project_path, small_threshold, monkeypatch
):
    store_generated(db)
    sync_search_index(db)
    for f in search_index.index_dir(project_path).iterdir():
        if f.suffix in (".idx", ".term", ".fast"):
            f.write_bytes(b"\0" * 7)
    monkeypatch.setattr(search_index, "_handles", {})
    monkeypatch.setattr(search_index, "BACKGROUND_REBUILD", True)
    assert same_hits(db, "the OR de") > 0
    search_index.wait_for_background()
    use = IndexUse(monkeypatch)
    assert same_hits(db, "tecnologia") > 0
    assert use.used == 1


def test_many_small_applies_keep_few_index_segments(db, project_path, small_threshold):
    """Each search that applies an edit adds a small index segment; tantivy's merges keep
    their number bounded (search time grows with it)."""
    from corpus import store_version

    ids = store_generated(db, n_docs=3)
    sync_search_index(db)
    current = ids[1]
    for i in range(30):  # each search applies one edit: one small index segment each
        current = store_version(db, current, f"Versión {i}: chapultepec número {i}.")
        assert same_hits(db, "chapultepec") >= 1
    searcher = search_index.open_index(search_index.index_dir(project_path)).searcher()
    assert searcher.num_segments <= 16
