"""Typed case attributes, CSV round trip, and the pure edit functions behind the table editors."""

from __future__ import annotations

import pandas as pd
import pytest

from interviews import (
    InterviewError,
    apply_attribute_edits,
    apply_speaker_edits,
    attribute_edits,
    attributes_csv,
    attributes_frame,
    case_attributes_frame,
    cases_frame,
    define_attribute,
    ensure_case,
    import_attributes_csv,
    merge_case_records,
    rename_case,
    set_attribute,
    speaker_edits,
    speakers_frame,
)

CSV = """case_name,organisation,sector:category,country,years_experience,interviewed_on
Daniel Ortega,Centro de Ingeniería,academia,Mexico,12,2024-03-05
Ana Torres,Ministry of Economy,government,Mexico,7.5,2024-04-11
Roberto Salinas,Aero Supplier SA,industry,USA,,2024-05-02
"""


def test_attributes_typed_values(db):
    define_attribute(db, "sector", "category", ["government", "academia", "industry"])
    set_attribute(db, "Ana Torres", "sector", "government")
    set_attribute(db, "Ana Torres", "years", "7", type_="number")
    set_attribute(db, "Ana Torres", "since", "2019-02-01", type_="date")
    with pytest.raises(InterviewError, match="not one of the categories"):
        set_attribute(db, "Ana Torres", "sector", "church")
    with pytest.raises(InterviewError, match="not a number"):
        set_attribute(db, "Ana Torres", "years", "many")
    with pytest.raises(InterviewError, match="not a date"):
        set_attribute(db, "Ana Torres", "since", "last spring")
    wide = case_attributes_frame(db)
    row = wide.iloc[0]
    assert (
        row["case_name"] == "Ana Torres"
        and row["sector"] == "government"
        and row["since"] == "2019-02-01"
    )
    assert wide["years"].dtype == "float64" and row["years"] == 7.0
    with pytest.raises(InterviewError, match="not a number"):
        define_attribute(db, "sector", "number")  # existing values must fit a new type


def test_attributes_csv_import_infers_types_and_round_trips(db, tmp_path):
    path = tmp_path / "attrs.csv"
    path.write_text(CSV, encoding="utf-8")
    assert import_attributes_csv(db, path) == 15
    types = attributes_frame(db).set_index("name")["type"].to_dict()
    assert types == {
        "organisation": "text",
        "sector": "category",
        "country": "text",
        "years_experience": "number",
        "interviewed_on": "date",
    }
    wide = case_attributes_frame(db).set_index("case_name")
    assert wide.loc["Ana Torres", "years_experience"] == 7.5
    assert pd.isna(wide.loc["Roberto Salinas", "years_experience"])
    out = attributes_csv(db, tmp_path / "out.csv")
    assert (
        out.splitlines()[0]
        == "case_name,organisation,sector,country,years_experience,interviewed_on"
    )
    assert "Daniel Ortega,Centro de Ingeniería,academia,Mexico,12,2024-03-05" in out
    db2_path = tmp_path / "again.csv"
    db2_path.write_text(out, encoding="utf-8")
    assert import_attributes_csv(db, db2_path) == 15  # re-import of the export changes nothing
    pd.testing.assert_frame_equal(case_attributes_frame(db).set_index("case_name"), wide)


def test_attributes_csv_bad_value_names_line_and_saves_nothing(db, tmp_path):
    set_attribute(db, "Ana Torres", "years", 3, type_="number")
    bad = tmp_path / "bad.csv"
    bad.write_text("case,years\nNew Person,4\nAna Torres,lots\n", encoding="utf-8")
    with pytest.raises(
        InterviewError, match=r"bad.csv: line 3, column 'years': .*'lots' is not a number"
    ):
        import_attributes_csv(db, bad)
    assert set(cases_frame(db)["name"]) == {"Ana Torres"}
    assert case_attributes_frame(db)["years"].tolist() == [3.0]


def test_attributes_edit_diff_is_pure_and_applies(db):
    set_attribute(db, "Ana Torres", "country", "Mexico")
    set_attribute(db, "Ana Torres", "years", 3, type_="number")
    ensure_case(db, "Luis Vega")
    before = case_attributes_frame(db)
    after = before.copy()
    after.loc[after["case_name"] == "Luis Vega", "country"] = "USA"
    after.loc[after["case_name"] == "Ana Torres", "years"] = 3.0  # unchanged number
    after.loc[after["case_name"] == "Ana Torres", "country"] = None  # cleared
    edits = attribute_edits(before, after)
    ana, luis = before.set_index("case_name")["case_id"][["Ana Torres", "Luis Vega"]]
    assert sorted(edits) == sorted([(int(luis), "country", "USA"), (int(ana), "country", None)])
    apply_attribute_edits(db, edits)
    now = case_attributes_frame(db).set_index("case_name")
    assert now.loc["Luis Vega", "country"] == "USA" and now.loc["Ana Torres", "country"] is None


def test_speaker_edit_diff_role_and_case(interviews_db):
    before = speakers_frame(interviews_db)[["speaker_id", "speaker", "role", "case_name"]]
    after = before.copy()
    first, second = before["speaker_id"].iloc[0], before["speaker_id"].iloc[1]
    after.loc[after["speaker_id"] == first, "role"] = "other"
    after.loc[after["speaker_id"] == second, "case_name"] = ""
    edits = speaker_edits(before, after)
    assert edits == [
        {"speaker_id": int(first), "role": "other"},
        {"speaker_id": int(second), "unlink": True},
    ]
    apply_speaker_edits(interviews_db, edits)
    now = speakers_frame(interviews_db).set_index("speaker_id")
    assert now.loc[first, "role"] == "other" and pd.isna(now.loc[second, "case_name"])


def test_cases_rename_and_merge(db):
    a, b = ensure_case(db, "D. Ortega"), ensure_case(db, "Daniel Ortega")
    set_attribute(db, a, "country", "Mexico")
    with pytest.raises(InterviewError, match="merge the two"):
        rename_case(db, a, "daniel ortega")
    merge_case_records(db, b, a)
    assert cases_frame(db)["name"].tolist() == ["Daniel Ortega"]
    assert case_attributes_frame(db)["country"].tolist() == ["Mexico"]
