"""Pure parts of the session and search-to-coding work: allowed project links, URL values, the
demo guard, hits expanded to sentence/paragraph/turn (no browser)."""

from __future__ import annotations

import pandas as pd
import pytest
from ui_data import make_document

import coding
from corpus import get_project_meta, search, set_project_meta
from projectfile import ProjectError, open_project, set_write_guard, transaction


@pytest.fixture
def folder(tmp_path, monkeypatch):
    projects = tmp_path / "projects"
    projects.mkdir()
    monkeypatch.setenv("QDA_PROJECT", str(projects / "main.qda.sqlite"))
    monkeypatch.delenv("QDA_PROJECTS_DIR", raising=False)
    monkeypatch.delenv("QDA_EXPOSED", raising=False)
    for name in ("main.qda.sqlite", "other.qda.sqlite"):
        open_project(projects / name).conn.close()
    return projects


def test_project_links_open_only_projects_in_the_folder(folder, tmp_path):
    from ui.session import allowed_project, remember, url_value

    assert allowed_project("other.qda.sqlite") == (folder / "other.qda.sqlite").resolve()
    main = (folder / "main.qda.sqlite").resolve()
    assert allowed_project(str(folder / "main.qda.sqlite")) == main
    outside = tmp_path / "outside.qda.sqlite"
    open_project(outside).conn.close()
    (folder / "link.qda.sqlite").symlink_to(outside)
    (folder / "notes.txt").write_text("x")
    for bad in (
        str(outside),  # another folder
        "../outside.qda.sqlite",  # climbing out
        "link.qda.sqlite",  # a symlink leading out
        "notes.txt",  # not a project file
        "missing.qda.sqlite",  # nothing is created from a link
        "/etc/passwd",
        "",
        "a\x00b",
        "x" * 5000,
        None,
    ):
        assert allowed_project(bad) is None, bad
    assert not (folder / "missing.qda.sqlite").exists()
    # a project opened on the Project page becomes known, so its link works
    remember(project=outside)
    assert allowed_project(str(outside)) == outside.resolve()
    assert url_value(folder / "other.qda.sqlite") == "other.qda.sqlite"
    assert url_value(outside) == str(outside.resolve())


def test_place_and_coder_values_are_checked():
    from ui.session import clean_coder, parse_at

    assert parse_at("3:10-25") == {"document_id": 3, "start": 10, "end": 25}
    for bad in ("3:25-10", "3:10", "a:1-2", "-1:1-2", "3:1-2;drop", None, "9" * 20 + ":1-2"):
        assert parse_at(bad) is None, bad
    assert clean_coder("  ana\x1b[31m \n") == "ana[31m"
    assert clean_coder("   ") is None and clean_coder(["x"]) is None
    assert len(clean_coder("n" * 500)) == 100


def test_write_guard_refuses_before_anything_is_written(tmp_path):
    db = open_project(tmp_path / "g.qda.sqlite")
    set_project_meta(db, "demo", "1")
    calls = []

    def refuse(d):
        calls.append(d)
        raise ProjectError("demo: nothing written", code="demo")

    set_write_guard(db, refuse)
    with pytest.raises(ProjectError, match="nothing written"):
        set_project_meta(db, "demo", "0")
    with pytest.raises(ProjectError):
        coding.add_code(db, "New code")
    assert get_project_meta(db, "demo") == "1" and coding.codes_frame(db).empty
    assert len(calls) == 2 and not db.conn.in_transaction
    set_write_guard(db, None)
    with transaction(db):
        pass
    coding.add_code(db, "New code")
    assert len(coding.codes_frame(db)) == 1


def test_copy_name_refuses_paths():
    from ui.session_demo import copy_name

    assert copy_name("My project") == "My project.qda.sqlite"
    assert copy_name("a.qda.sqlite") == "a.qda.sqlite"
    for bad in ("../x", "a/b", "", ".hidden", "x" * 100, "a..b"):
        with pytest.raises(ProjectError):
            copy_name(bad)


def test_hits_expand_to_sentence_paragraph_or_turn(tmp_path):
    db = open_project(tmp_path / "h.qda.sqlite")
    para = "The council met in May. Supplier development was slow. Nobody came."
    doc = make_document(db, "Report (fictional)", [para, "Another paragraph about the weather."])
    turns = make_document(
        db, "Interview (fictional)", ["Interviewer: supplier development?"], kind="interview"
    )
    hits = search(db, "supplier")
    hits.loc[hits["document_id"] == turns, "segment_kind"] = "turn"
    code = coding.add_code(db, "Suppliers")
    para_rows = coding.preview_hits(db, hits, code, "paragraph", query="supplier")
    assert sorted(para_rows["text"]) == sorted([para, "Interviewer: supplier development?"])
    sent = coding.preview_hits(db, hits[hits.document_id == doc], code, "sentence", "supplier")
    assert list(sent["text"]) == ["Supplier development was slow."]
    turn = coding.preview_hits(db, hits, code, "turn", query="supplier")
    assert list(turn["document_id"]) == [turns]
    # a meaning-search hit without the words: the sentence level keeps the whole passage
    meaning = pd.DataFrame([{"document_id": doc, "char_start": 0, "char_end": len(para)}])
    assert list(coding.preview_hits(db, meaning, code, "sentence", "industry")["text"]) == [para]
    batch = coding.apply_preview(db, para_rows, coder="ana")
    assert len(coding.codings_frame(db, coders="ana")) == 2
    coding.undo_batch(db, batch, "ana")
    assert coding.codings_frame(db, coders="ana").empty
