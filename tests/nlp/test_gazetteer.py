"""Gazetteer storage, CSV/JSONL import and export, and clear errors for bad files."""

from __future__ import annotations

import pytest


def test_gazetteer_csv_round_trip(db, tmp_path):
    from nlp import add_entries, export_gazetteer, gazetteer_frame, import_gazetteer

    add_entries(
        db,
        [
            {"pattern": "USMCA", "label": "agreement", "canonical": "USMCA"},
            {"pattern": "T-MEC", "label": "AGREEMENT", "canonical": "USMCA", "language": "es"},
        ],
    )
    out = tmp_path / "gaz.csv"
    assert export_gazetteer(db, out) == 2
    assert out.read_text().splitlines()[0] == "pattern,label,canonical,language"
    from projectfile import open_project

    other = open_project(tmp_path / "other.qda.sqlite")
    assert import_gazetteer(other, out) == 2
    cols = ["label", "pattern", "canonical", "language"]
    assert gazetteer_frame(other)[cols].equals(gazetteer_frame(db)[cols])


def test_gazetteer_jsonl_round_trip_accepts_spacy_ids(db, tmp_path):
    from nlp import export_gazetteer, gazetteer_frame, import_gazetteer

    src = tmp_path / "patterns.jsonl"
    src.write_text(
        '{"label": "ORG", "pattern": "Consejo Nacional de Ciencia y Tecnología",'
        ' "id": "CONACYT"}\n\n'
        '{"label": "ORG", "pattern": "CONACYT"}\n',
        encoding="utf-8",
    )
    assert import_gazetteer(db, src) == 2
    g = gazetteer_frame(db)
    assert set(g["canonical"]) == {"CONACYT"}
    out = tmp_path / "out.jsonl"
    export_gazetteer(db, out)
    assert '"id": "CONACYT"' in out.read_text(encoding="utf-8")


def test_gazetteer_reimport_updates_instead_of_duplicating(db, tmp_path):
    from nlp import gazetteer_frame, import_gazetteer

    f = tmp_path / "g.csv"
    f.write_text("pattern,label,canonical\nCONACYT,ORG,CONACYT\n")
    import_gazetteer(db, f)
    f.write_text("pattern,label,canonical\nCONACYT,ORG,CONAHCYT\n")
    import_gazetteer(db, f)
    assert gazetteer_frame(db)[["pattern", "canonical"]].values.tolist() == [
        ["CONACYT", "CONAHCYT"]
    ]


@pytest.mark.parametrize(
    "name,content,needle",
    [
        ("bad.csv", "name,kind\nx,y\n", "missing label, pattern"),
        ("bad2.csv", "pattern,label\nCONACYT,\n", "line 2: label must be a word"),
        (
            "bad3.csv",
            "pattern,label,canonical,language\nX,ORG,X,fr\n",
            "line 2: language must be one of",
        ),
        ("bad.jsonl", '{"label": "ORG", "pattern": "A"}\n{oops\n', "line 2: not JSON"),
        (
            "bad2.jsonl",
            '{"label": "ORG", "pattern": [{"LOWER": "a"}]}\n',
            "line 1: pattern must be a phrase",
        ),
    ],
)
def test_gazetteer_bad_files_name_file_and_line_and_write_nothing(
    db, tmp_path, name, content, needle
):
    from nlp import GazetteerError, gazetteer_frame, import_gazetteer

    f = tmp_path / name
    f.write_text("pattern,label\nOK,ORG\n" if False else content)
    with pytest.raises(GazetteerError) as err:
        import_gazetteer(db, f)
    assert name in str(err.value) and needle in str(err.value)
    assert gazetteer_frame(db).empty


def test_gazetteer_bad_row_rolls_back_whole_file(db, tmp_path):
    from nlp import GazetteerError, gazetteer_frame, import_gazetteer

    f = tmp_path / "half.csv"
    f.write_text("pattern,label\nCONACYT,ORG\n,ORG\n")
    with pytest.raises(GazetteerError, match="line 3: empty pattern"):
        import_gazetteer(db, f)
    assert gazetteer_frame(db).empty


def test_replace_gazetteer_from_an_edited_frame(db):
    import pandas as pd

    from nlp import gazetteer_frame, replace_gazetteer
    from nlp.gazetteer import add_entry

    add_entry(db, "NAFTA", "AGREEMENT")
    edited = pd.concat(
        [
            gazetteer_frame(db),
            pd.DataFrame(
                [
                    {
                        "pattern": "TLCAN",
                        "label": "AGREEMENT",
                        "canonical": "NAFTA",
                        "language": "es",
                    },
                    {"pattern": "", "label": None},
                ]
            ),
        ],
        ignore_index=True,
    )
    assert replace_gazetteer(db, edited) == 2
    assert sorted(gazetteer_frame(db)["pattern"]) == ["NAFTA", "TLCAN"]
