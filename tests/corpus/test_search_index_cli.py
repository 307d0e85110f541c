"""``cli.py index rebuild``: builds the search index beside the project, with a plain word when
the project is too small to need one."""

from __future__ import annotations

from search_index_fixtures import IndexUse, store_generated

import cli
from corpus import search
from corpus.search import index as search_index


def test_index_rebuild_small_project_needs_none(db, project_path, capsys):
    store_generated(db, n_docs=2)
    assert cli.main(["index", "rebuild", "--project", str(project_path), "--quiet"]) == 0
    assert "needs no index" in capsys.readouterr().out
    assert not search_index.index_dir(project_path).exists()


def test_index_rebuild_force_builds_and_search_uses_it(db, project_path, capsys, monkeypatch):
    monkeypatch.setattr(search_index, "BACKGROUND_REBUILD", False)
    store_generated(db, n_docs=3)
    args = ["index", "rebuild", "--project", str(project_path), "--quiet", "--force"]
    assert cli.main(args) == 0
    assert "indexed 24 paragraphs" in capsys.readouterr().out
    use = IndexUse(monkeypatch)
    assert len(search(db, "the OR de")) > 0
    assert use.used == 1
