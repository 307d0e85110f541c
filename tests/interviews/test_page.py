"""AppTests of the Interviews page on an empty project and on one with transcripts."""

from __future__ import annotations

import html
from pathlib import Path

from streamlit.testing.v1 import AppTest

from interviews import cases_frame, transcripts_frame

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")


def page(project_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("QDA_PROJECT", str(project_path))
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page("ui/pages/interviews.py")
    return at.run()


def button(at, label):
    return next(b for b in at.button if b.label == label)


def test_interviews_page_empty_project_preview_then_save(project_path, monkeypatch, db, data_dir):
    monkeypatch.setenv("QDA_IMPORT_DIR", str(data_dir))  # the folder the app may read from
    at = page(project_path, monkeypatch)
    assert not at.exception
    assert any("No transcripts yet" in i.value for i in at.info)
    at.text_input(key="iv_path").input(str(data_dir / "zoom.vtt"))
    button(at, "Preview").click()
    at.run()
    assert not at.exception
    preview = next(d.value for d in at.dataframe if "turn_no" in d.value.columns)
    assert preview["speaker"].tolist() == [
        "Ana Torres",
        "Roberto Salinas",
        "Ana Torres",
        "Roberto Salinas",
    ]
    assert transcripts_frame(db).empty  # nothing saved before the user says so
    button(at, "Save to project").click()
    at.run()
    assert not at.exception
    assert transcripts_frame(db)["title"].tolist() == ["zoom"]
    # the page's messages are shown escaped (they quote file names), once
    assert any("Saved zoom.vtt" in html.unescape(s.value) for s in at.success)
    assert not any("Saved zoom.vtt" in s.value for s in at.success)
    at.run()
    assert not any("Saved zoom.vtt" in html.unescape(s.value) for s in at.success)


def test_interviews_page_bad_file_shows_error(project_path, monkeypatch, db, data_dir):
    monkeypatch.setenv("QDA_IMPORT_DIR", str(data_dir))
    at = page(project_path, monkeypatch)
    at.text_input(key="iv_path").input(str(data_dir / "broken_timing.vtt"))
    button(at, "Preview").click()
    at.run()
    assert not at.exception
    assert any("line 8: broken cue timing" in html.unescape(e.value) for e in at.error)


def test_interviews_page_with_data_reader_escapes_and_tabs(
    project_path, monkeypatch, interviews_db, tmp_path
):
    from interviews import import_transcripts

    evil = tmp_path / "evil.txt"
    evil.write_text(
        "Interviewer: <script>alert(1)</script> what happened?\n\nExpert: **bold** & <b>tags</b>\n",
        encoding="utf-8",
    )
    import_transcripts([str(evil)], interviews_db)
    at = page(project_path, monkeypatch)
    assert not at.exception
    evil_id = int(transcripts_frame(interviews_db).set_index("title").loc["evil", "document_id"])
    at.selectbox(key="iv_read_doc").set_value(evil_id)
    at.run()
    html = "".join(m.value for m in at.markdown)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert "&lt;b&gt;tags&lt;/b&gt;" in html
    # speakers and attributes editors render with data
    tables = [d.value for d in at.dataframe]
    assert any("role" in t.columns and "case_name" in t.columns for t in tables)  # speakers editor
    assert any(list(t.columns[:2]) == ["case_id", "case_name"] for t in tables)  # attributes editor
    # rename a case through its form
    at.text_input(key="iv_rename_name").input("Case renamed")
    next(b for b in at.button if b.label == "Rename").click()
    at.run()
    assert not at.exception
    assert "Case renamed" in set(cases_frame(interviews_db)["name"])


def test_interviews_page_deid_review_and_apply(project_path, monkeypatch, interviews_db):
    at = page(project_path, monkeypatch)
    at.checkbox(key="iv_deid_ner").uncheck()
    next(b for b in at.button if b.label == "Find names").click()
    at.run()
    assert not at.exception
    assert "iv_review" in at.session_state and not at.session_state["iv_review"].empty
    button(at, "Apply pseudonyms").click()
    at.run()
    assert not at.exception
    assert transcripts_frame(interviews_db)["pseudonymized"].tolist() == [1, 1, 1, 1]
