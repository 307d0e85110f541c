"""AppTests of the Map page: empty project, counts per document / case / code, passages."""

from __future__ import annotations

from pathlib import Path

from nlp_docs import add_doc
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")
EN = (
    "We opened a plant in Querétaro in 2006. Our suppliers are in Monterrey, Nuevo León, and in "
    "Saltillo, and we sell to firms in Baja California."
)


def page(project_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("QDA_PROJECT", str(project_path))
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.switch_page("ui/pages/map.py")
    return at.run()


def test_map_page_empty_project_says_what_to_do(project_path, monkeypatch):
    at = page(project_path, monkeypatch)
    assert not at.exception
    assert any("Extract entities" in i.value for i in at.info)


def test_map_page_counts_per_document_and_code(project_path, monkeypatch, db):
    import nlp
    from coding import add_code, code_span

    doc = add_doc(db, EN, "plants", language="en")
    nlp.extract_entities(db)
    add_code(db, "Suppliers", coder="ana")
    code_span(db, doc, EN.index("Our suppliers"), EN.index(", and we sell"), "Suppliers", "ana")
    at = page(project_path, monkeypatch)
    assert not at.exception
    assert any("5 mentions of 5 places in 1 documents" in c.value for c in at.caption)
    places = at.dataframe[0].value
    assert set(places["place"]) == {
        "Querétaro",
        "Monterrey",
        "Nuevo León",
        "Saltillo",
        "Baja California",
    }
    at.radio(key="map_by").set_value("code").run()
    assert not at.exception
    by_code = at.dataframe[0].value
    assert set(by_code["place"]) == {"Monterrey", "Nuevo León", "Saltillo"}
    assert set(by_code["code"]) == {"Suppliers"}
    at.radio(key="map_by").set_value("case").run()
    assert not at.exception
    assert any("None of the mentioned places" in i.value for i in at.info)
