"""Evidence tables: exact quotes, pages, turns, cases, attributes, filters and context."""

from __future__ import annotations

import pytest
from exports_sample import INTERVIEW, POLICY

from exports import EVIDENCE_COLUMNS, ExportError, evidence_table, format_timestamp


def test_evidence_quote_is_the_coded_span_exactly(coded):
    df = evidence_table(coded["db"])
    assert list(df.columns[: len(EVIDENCE_COLUMNS)]) == EVIDENCE_COLUMNS
    assert len(df) == 6
    texts = {"Policy brief": POLICY, "Interview Expert 3": INTERVIEW}
    for row in df.itertuples():
        assert row.quote == texts[row.document_title][row.char_start : row.char_end]
    assert "el consorcio 🙂 firmó" in set(df["quote"])


def test_evidence_page_citation_and_levels(coded):
    df = evidence_table(coded["db"]).set_index("coding_id")
    row = df.loc[coded["codings"]["training"]]
    assert row["page"] == 2 and row["citation"] == "Policy brief, p. 2"
    assert df.loc[coded["codings"]["conacyt"], "page"] == 1
    pub = df.loc[coded["codings"]["conacyt"]]
    assert (pub["level_1"], pub["level_2"]) == ("Funding", "Public")
    assert df.loc[coded["codings"]["signed"], "level_2"] == ""
    assert (
        pub["memo"] == "key figure" and pub["coder"] == "ana" and pub["document_kind"] == "policy"
    )


def test_evidence_turns_give_speaker_case_timestamp_and_attributes(with_cases):
    df = evidence_table(with_cases["db"]).set_index("coding_id")
    row = df.loc[with_cases["codings"]["signed"]]
    assert row["speaker"] == "Expert 3" and row["case_name"] == "Expert 3"
    assert row["case_id"] == with_cases["case"]
    assert row["timestamp"] == "00:12:41" and row["time_range"] == "00:12:41-00:12:50"
    assert (row["t_start"], row["t_end"]) == (761.4, 770.0)
    cite = f"Expert 3, {row['document_title']}, turn {row['turn_no']}, 00:12:41-00:12:50"
    assert row["citation"] == cite
    assert row["sector"] == "industry" and row["country"] == "Mexico"
    assert df.loc[with_cases["codings"]["conacyt"], "case_name"] is None


def test_evidence_filters(with_cases):
    db = with_cases["db"]
    assert set(evidence_table(db, codes="Funding")["code_path"]) == {"Funding", "Funding > Public"}
    assert set(evidence_table(db, codes="Funding", children=False)["code_path"]) == {"Funding"}
    assert set(evidence_table(db, coders="ben")["coder"]) == {"ben"}
    assert set(evidence_table(db, documents=[with_cases["policy"]])["document_title"]) == {
        "Policy brief"
    }
    by_case = evidence_table(db, cases=["Expert 3"])
    assert len(by_case) == 2 and set(by_case["case_name"]) == {"Expert 3"}
    assert len(evidence_table(db, cases=[with_cases["case"]])) == 2
    assert len(evidence_table(db, attributes={"sector": "industry"})) == 2
    assert evidence_table(db, attributes={"sector": ["academia"]}).empty
    with pytest.raises(ExportError, match="no case attribute"):
        evidence_table(db, attributes={"nope": "x"})


def test_evidence_context_characters_and_unit(with_cases):
    db = with_cases["db"]
    df = evidence_table(db, context=10).set_index("coding_id")
    cid = with_cases["codings"]["signed"]
    s, e = df.loc[cid, "char_start"], df.loc[cid, "char_end"]
    assert df.loc[cid, "context"] == with_cases["text"][s - 10 : e + 10]
    unit = evidence_table(db, context="unit").set_index("coding_id")
    assert unit.loc[cid, "context"] == "We signed with the council in 1994, right after NAFTA."
    # a turn of two lines comes whole
    assert unit.loc[with_cases["codings"]["scarce"], "context"].endswith(
        "Line two of the same turn."
    )
    pol = unit.loc[with_cases["codings"]["conacyt"], "context"]
    assert pol.startswith("The US–Mexico council") and pol.endswith("CONACYT.")
    with pytest.raises(ExportError, match="context"):
        evidence_table(db, context="paragraphs")


def test_evidence_empty_project(db):
    df = evidence_table(db)
    assert df.empty and list(df.columns) == EVIDENCE_COLUMNS


def test_format_timestamp():
    assert format_timestamp(751.9) == "00:12:31"
    assert format_timestamp(3 * 3600 + 5) == "03:00:05"
    assert format_timestamp(None) == ""


def test_evidence_leaves_out_old_versions_unless_asked(coded):
    from exports_sample import make_doc

    from coding import move_codings
    from corpus import store_document

    db = coded["db"]
    newer = POLICY.replace("Consejo Binacional", "Consejo Binacional (rev. 2)")
    new_id = store_document(db, make_doc(newer, "Policy brief", "policy"), segment_language=False)
    shift = len(" (rev. 2)")
    pos = POLICY.index("Consejo Binacional") + len("Consejo Binacional")
    move_codings(db, coded["policy"], new_id, lambda o: o if o <= pos else o + shift)
    current = evidence_table(db)
    assert coded["policy"] not in set(current["document_id"]) and new_id in set(
        current["document_id"]
    )
    assert len(current) == 6
    for row in current.itertuples():
        if row.document_id == new_id:
            assert row.quote == newer[row.char_start : row.char_end]
    assert len(evidence_table(db, include_old_versions=True)) == 10


def test_quote_starting_on_a_speaker_label_gets_the_turn_inside_it(with_cases):
    from coding import code_span

    db = with_cases["db"]
    # a turn's range starts after its label: make a quote that starts on the label
    start = with_cases["text"].index("Interviewer [00:12:51]: And funding?")
    code_span(db, with_cases["interview"], start, start + 30, "Funding", "ana")
    row = evidence_table(db, codes="Funding", children=False).set_index("char_start").loc[start]
    assert row["speaker"] == "Interviewer" and row["timestamp"] == "00:12:51"
