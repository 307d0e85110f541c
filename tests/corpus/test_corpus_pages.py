"""AppTests of the Corpus and Search pages (empty project, project with data) and their helpers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from corpus_fixtures import LOREM, make_pdf
from streamlit.testing.v1 import AppTest

from corpus.ingest import ingest
from corpus.outcomes import outcomes_frame
from corpus.reader import ingest_uploads, page_for_offset, passage_html, save_uploads
from corpus.store import get_text, list_documents

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")


def page(project_path, monkeypatch, name: str, focus: dict | None = None) -> AppTest:
    monkeypatch.setenv("QDA_PROJECT", str(project_path))
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    if focus is not None:
        at.session_state["focus"] = focus
    at.switch_page(f"ui/pages/{name}.py")
    return at.run()


@pytest.fixture
def filled(db, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "acta.txt").write_text(
        "Acta del consorcio.\n\n"
        "La tecnología de Querétaro <script>alert(1)</script> apoya a los proveedores.",
        encoding="utf-8",
    )
    make_pdf(
        folder / "brief.pdf",
        [
            ["Council brief page one. " + LOREM],
            ["Page two: Peña Nieto met the innovation council in Monterrey."],
        ],
        title="Council Brief",
    )
    outcomes = ingest([str(folder)], db, workers=1)
    assert all(o.status == "ok" for o in outcomes)
    return db


def test_pages_entrypoint_renders(project_path, monkeypatch):
    monkeypatch.setenv("QDA_PROJECT", str(project_path))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception


def test_corpus_page_empty_project(project_path, monkeypatch):
    at = page(project_path, monkeypatch, "corpus")
    assert not at.exception
    assert any("No documents yet" in i.value for i in at.info)


def test_search_page_empty_project(project_path, monkeypatch):
    at = page(project_path, monkeypatch, "search")
    assert not at.exception
    assert any("No documents yet" in i.value for i in at.info)


def test_corpus_page_lists_documents_and_reads_pages(project_path, monkeypatch, filled):
    at = page(project_path, monkeypatch, "corpus")
    assert not at.exception
    table = at.dataframe[0].value
    assert set(table.title) == {"Council Brief", "acta"}
    assert {"pages", "language", "status", "warnings"} <= set(table.columns)
    brief = int(list_documents(filled).query("title == 'Council Brief'").id.iloc[0])
    at.selectbox(key="reader_doc").set_value(brief).run()
    at.number_input(key="reader_page").set_value(2).run()
    assert not at.exception
    shown = [m.value for m in at.markdown if "qda-page" in m.value]
    assert shown and "Peña Nieto met the innovation council" in shown[0]
    assert "Council brief page one" not in shown[0]


def test_corpus_page_escapes_text_and_honours_focus(project_path, monkeypatch, filled):
    acta = int(list_documents(filled).query("title == 'acta'").id.iloc[0])
    text = get_text(filled, acta)
    start = text.index("Querétaro")
    at = page(
        project_path,
        monkeypatch,
        "corpus",
        focus={"document_id": acta, "start": start, "end": start + 9},
    )
    assert not at.exception
    assert at.selectbox(key="reader_doc").value == acta
    shown = next(m.value for m in at.markdown if "qda-page" in m.value)
    assert '<mark id="focus">Querétaro</mark>' in shown
    assert "<script>" not in shown and "&lt;script&gt;" in shown
    assert at.session_state["focus"]["document_id"] == acta  # the focus is kept


def test_corpus_page_edit_and_delete(project_path, monkeypatch, filled):
    at = page(project_path, monkeypatch, "corpus")
    acta = int(list_documents(filled).query("title == 'acta'").id.iloc[0])
    at.selectbox(key="edit_doc").set_value(acta).run()
    title_box = next(t for t in at.text_input if t.label == "Title")
    title_box.set_value("Acta de la sesión")
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception
    assert "Acta de la sesión" in set(list_documents(filled).title)
    delete = at.button(key="delete_doc")
    assert delete.disabled
    at.checkbox(key=f"confirm_delete_{acta}").check().run()
    at.button(key="delete_doc").click().run()
    assert not at.exception
    assert list(list_documents(filled).title) == ["Council Brief"]


def test_search_page_hits_paging_and_open(project_path, monkeypatch, filled):
    at = page(project_path, monkeypatch, "search")
    at.text_input(key="search_query").input("Pena Nieto").run()
    assert not at.exception
    assert any("**1** matching passages" in m.value for m in at.markdown)
    hit = next(m.value for m in at.markdown if "<mark>" in m.value)
    assert "<mark>Peña</mark> <mark>Nieto</mark>" in hit and "Council Brief" in hit
    next(b for b in at.button if b.label == "Open").click().run()
    assert not at.exception
    focus = at.session_state["focus"]
    brief = int(list_documents(filled).query("title == 'Council Brief'").id.iloc[0])
    assert focus["document_id"] == brief
    assert "Peña Nieto" in get_text(filled, brief)[focus["start"] : focus["end"]]


def test_search_page_bad_syntax_and_filters(project_path, monkeypatch, filled):
    at = page(project_path, monkeypatch, "search")
    at.text_input(key="search_query").input('"unclosed').run()
    assert not at.exception
    assert any("quotation mark" in w.value for w in at.warning)
    at.text_input(key="search_query").input("tecnologia").run()
    assert any("**1** matching passages" in m.value for m in at.markdown)
    assert all("&lt;script&gt;" in m.value or "<script>" not in m.value for m in at.markdown)
    at.multiselect(key="search_languages").set_value(["en"]).run()
    assert any("No passages match" in i.value for i in at.info)


def test_reader_helpers(tmp_path, db):
    assert passage_html("a <b> c", 0, 7, (2, 5)) == 'a <mark id="focus">&lt;b&gt;</mark> c'
    assert passage_html("abc", 0, 3, (5, 9)) == "abc"
    pages = pd.DataFrame({"number": [1, 2], "char_start": [0, 12], "char_end": [10, 20]})
    assert [page_for_offset(pages, o) for o in (0, 11, 12, 19, 25)] == [1, 1, 2, 2, 2]
    paths = save_uploads(
        [("../../etc/passwd.txt", b"x"), ("a.txt", b"1"), ("a.txt", b"2")], tmp_path / "up"
    )
    assert [p.name for p in paths] == ["passwd.txt", "a.txt", "a-1.txt"]
    assert all(p.parent == tmp_path / "up" for p in paths)
    outcomes = ingest_uploads(
        db,
        [("note.txt", b"Una nota sobre el CONACYT."), ("bad.xyz", b"?")],
        tmp_path / "up2",
        kind="other",
    )
    df = outcomes_frame(outcomes)
    assert list(df.status) == ["failed", "ok"] or list(df.status) == ["ok", "failed"]
    assert list_documents(db).kind.tolist() == ["other"]
