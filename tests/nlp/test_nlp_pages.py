"""AppTests of the Entities and Topics pages, on an empty project and on a small one with data."""

from __future__ import annotations

from pathlib import Path

from nlp_docs import EN_PARAS, ES_PARAS, add_doc
from streamlit.testing.v1 import AppTest
from topic_corpus import paragraphs

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")


def page(project_path, monkeypatch, name: str) -> AppTest:
    monkeypatch.setenv("QDA_PROJECT", str(project_path))
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.switch_page(f"ui/pages/{name}.py")
    return at.run()


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


def test_entities_page_empty_project(project_path, monkeypatch):
    at = page(project_path, monkeypatch, "entities")
    assert not at.exception
    assert any("No entities yet" in i.value for i in at.info)


def test_entities_page_extracts_shows_and_codes_mentions(project_path, monkeypatch, db):
    import coding
    import nlp

    add_doc(db, "\n\n".join(EN_PARAS), "english-report", language="en")
    add_doc(
        db,
        "\n\n".join(ES_PARAS) + "\n\n<script>alert('x')</script> CONACYT",
        "informe-es",
        language="es",
    )
    nlp.add_entries(db, [{"pattern": "CONACYT", "label": "ORG"}])
    at = page(project_path, monkeypatch, "entities")
    button(at, "Extract entities").click()
    at.run()
    assert not at.exception
    assert not nlp.entities_frame(db).empty
    top = at.dataframe[0].value
    # 2 English "CONACYT", the Spanish "CONACYT" and (bundled places gazetteer) the Spanish
    # "Consejo Nacional de Ciencia y Tecnología" under its canonical name
    assert top.iloc[0]["canonical"] == "CONACYT" and top.iloc[0]["mentions"] == 4
    # code all mentions: names, code path, preview, save
    at.multiselect(key="code_names").select("CONACYT")
    at.text_input(key="code_path").input("Actors > CONACYT")
    at.run()
    button(at, "Preview codings").click()
    at.run()
    assert not at.exception
    button(at, "Save 4 codings").click()
    at.run()
    assert not at.exception
    assert len(coding.codings_frame(db)) == 4
    assert not any("<script>" in m.value for m in at.markdown)


def test_entities_page_opens_a_mention_in_the_reader(project_path, monkeypatch, db):
    import nlp

    add_doc(db, "\n\n".join(EN_PARAS), "english-report", language="en")
    nlp.extract_entities(db)
    at = page(project_path, monkeypatch, "entities")
    assert not at.exception
    button(at, "Open in reader").click()
    at.run()
    focus = at.session_state["focus"]
    assert focus["document_id"] == 1 and focus["end"] > focus["start"]


def test_topics_page_empty_project_says_what_is_needed(project_path, monkeypatch):
    at = page(project_path, monkeypatch, "topics")
    assert not at.exception
    assert any("No topic model yet" in i.value for i in at.info)
    at.selectbox[1].select("tfidf")
    button(at, "Fit topics").click()
    at.run()
    assert not at.exception
    assert any("topics need at least 6" in e.value for e in at.error)


def test_topics_page_fits_shows_and_proposes_codings(project_path, monkeypatch, db):
    import coding
    import nlp

    paras = paragraphs(30, spanish_every=0)
    add_doc(db, "\n\n".join(paras[:15]), "report-a", date="2019-01-01")
    add_doc(db, "\n\n".join(paras[15:]), "report-b", date="2020-01-01")
    at = page(project_path, monkeypatch, "topics")
    at.selectbox[1].select("tfidf")
    button(at, "Fit topics").click()
    at.run()
    assert not at.exception
    model = nlp.latest_model(db)
    assert model is not None and len(at.get("plotly_chart")) >= 1
    first = nlp.topics_frame(db, model).query("topic >= 0").iloc[0]
    button(at, "Open in reader").click()
    at.run()
    focus = at.session_state["focus"]
    assert focus["document_id"] in (1, 2) and focus["end"] > focus["start"]
    at = page(project_path, monkeypatch, "topics")
    button(at, "Preview codings").click()
    at.run()
    assert not at.exception
    button(at, f"Save {first['size']} codings").click()
    at.run()
    assert not at.exception
    assert len(coding.codings_frame(db)) == first["size"]
