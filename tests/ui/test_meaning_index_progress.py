"""The Search page keeps the meaning index in step by itself: no "Index now" button, a progress
bar while the background job runs, then a cross-language query finds the Spanish passage."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest
from ui_data import APP, make_document

ENGLISH = "Apprentices spend three days a week at the factory and two days in the classroom."
SPANISH = "Los aprendices pasan tres días a la semana en la fábrica y dos días en el aula."


def test_search_page_has_no_index_button_and_indexes_by_itself(tmp_path, monkeypatch):
    from projectfile import open_project
    from workflows import index_job

    path = tmp_path / "search.qda.sqlite"
    db = open_project(path)
    make_document(db, "Notes (fictional)", [ENGLISH, "The bridge opened on Monday morning."])
    make_document(db, "Notas (ficticias)", [SPANISH, "La biblioteca cierra los domingos."])
    db.conn.close()
    monkeypatch.setenv("QDA_PROJECT", str(path))
    monkeypatch.delenv("QDA_EXPOSED", raising=False)
    at = AppTest.from_file(APP, default_timeout=240)
    at.run()
    at.switch_page("ui/pages/search.py").run()
    assert not at.exception
    assert not [b for b in at.button if b.label == "Index now"]
    job = index_job(path)
    assert job is not None, "the Search page starts the background index"
    assert job.wait(240) and job.error is None, job.error
    at.text_input(key="search_query").set_value("apprentices at the factory").run()
    assert not at.exception
    shown = " ".join(m.value for m in at.markdown)
    assert "tres días a la semana" in shown  # found by meaning, in the other language
    assert not [b for b in at.button if b.label == "Index now"]
    # the index is complete: reopening the page starts no other job
    at.run()
    assert index_job(path) is job
