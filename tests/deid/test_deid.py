"""De-identification: names found (NER, speakers, user list), review, pseudonymized versions,
codings moved, key apart."""

from __future__ import annotations

import json
import zipfile

import pytest

from corpus import get_text, list_documents
from deid import (
    add_name,
    apply_review,
    find_names,
    key_path_for,
    log_path_for,
    offset_map,
    pseudonymize,
    shareable_copy,
)
from deid.offsets import replace_spans
from interviews import cases_frame, import_transcripts, speakers_frame, turns_frame
from projectfile import open_project

REAL = [
    "Laura Méndez",
    "Daniel Ortega",
    "Patricia Robles",
    "Ingrid Salazar",
    "Grupo Acerero del Norte",
]

INTERVIEW = """Laura Méndez: Thank you for meeting me. How did you first meet Patricia Robles?

Daniel Ortega: I met Patricia Robles at the innovation council in Washington in 2016. Robles was
then advising the ministry, and she introduced me to Ingrid Salazar from Grupo Acerero del Norte.

Laura Méndez: And what did Ingrid Salazar do for the consortium?

Daniel Ortega: Ingrid Salazar negotiated the training agreement. Everyone trusted her.
"""

ENTREVISTA = """Entrevistadora: ¿Cómo conoció a la doctora Patricia Robles?

Experta: Conocí a Patricia Robles en Monterrey, cuando trabajaba con Grupo Acerero del Norte.
"""


@pytest.fixture
def deid_db(db, tmp_path):
    a = tmp_path / "council.txt"
    a.write_text(INTERVIEW, encoding="utf-8")
    b = tmp_path / "monterrey.txt"
    b.write_text(ENTREVISTA, encoding="utf-8")
    assert [o.status for o in import_transcripts([str(a), str(b)], db)] == ["ok", "ok"]
    return db


def test_deid_offset_map_moves_offsets_with_words():
    text = "I met Patricia Robles and Robles left."
    spans = [(6, 21, "Patricia Robles", "Expert 1", "x"), (26, 32, "Robles", "Expert 1", "x")]
    new, m = replace_spans(text, spans)
    assert new == "I met [Expert 1] and [Expert 1] left."
    assert m(0) == 0 and m(6) == 6  # before and at the start of a name
    assert m(21) == 16  # end of the name -> end of the pseudonym
    assert m(10) == 16  # inside a name -> end of the pseudonym
    assert new[m(22) : m(25)] == "and"
    assert m(len(text)) == len(new)
    assert offset_map([])(5) == 5


def test_deid_find_names_proposes_consistent_pseudonyms(deid_db):
    review = find_names(
        deid_db, names=["Ingrid Salazar"], organisations=["Grupo Acerero del Norte"]
    )
    found = set(review["original"])
    assert {
        "Laura Méndez",
        "Daniel Ortega",
        "Patricia Robles",
        "Ingrid Salazar",
        "Grupo Acerero del Norte",
    } <= found
    by_name = review.groupby("original")["pseudonym"].agg(set)
    assert all(len(v) == 1 for v in by_name)  # one pseudonym per person, across both interviews
    assert (
        by_name["Robles"] == by_name["Patricia Robles"]
    )  # a lone surname of a known person is that person
    assert by_name["Grupo Acerero del Norte"] == {"Organisation 1"}
    assert set(review[review["original"] == "Patricia Robles"]["document_id"]) == {1, 2}
    assert review["context"].str.contains("«").all()
    assert set(review["source"]) >= {"speaker", "list", "surname"}
    sources = review.groupby("original")["source"].first()
    assert (
        sources["Patricia Robles"] == "ner"
        and sources["Daniel Ortega"] == "speaker"
        and sources["Robles"] == "surname"
    )
    assert "Experta" not in found and "Entrevistadora" not in found  # role labels are not people


def test_deid_apply_new_versions_codings_move_key_apart(deid_db, project_path):
    from coding import add_code, code_span, codings_frame

    db = deid_db
    text = get_text(db, 1)
    quote = "Ingrid Salazar negotiated the training agreement."
    start = text.index(quote)
    add_code(db, "Training")
    code_span(db, 1, start, start + len(quote), "Training", "ana")
    review = find_names(db, organisations=["Grupo Acerero del Norte"], pattern="Expert {n}")
    assert "Ingrid Salazar" not in set(
        review["original"]
    )  # the small English model misses this name
    review = add_name(db, review, "Ingrid Salazar")
    # the researcher rejects one proposal and adds a name NER and the speakers did not give
    council = review[(review["original"] == "Laura Méndez") & (review["document_id"] == 1)].index[0]
    review.loc[council, "accept"] = False
    review = add_name(db, review, "Washington", label="ORG", pseudonym="City A")
    result = apply_review(db, review)
    assert result["old_document_id"].tolist() == [1, 2]
    new1 = int(result["new_document_id"].iloc[0])
    new_text = get_text(db, new1)
    assert (
        "Patricia Robles" not in new_text
        and "Ingrid Salazar" not in new_text
        and "Washington" not in new_text
    )
    assert "[City A]" in new_text and "[Organisation 1]" in new_text
    assert new_text.startswith("Laura Méndez: ")  # the rejected occurrence stays
    # old version kept, new one current
    docs = list_documents(db, include_old=True).set_index("id")
    assert (
        docs.loc[1, "is_current"] == 0
        and docs.loc[new1, "is_current"] == 1
        and docs.loc[new1, "version"] == 2
    )
    # the coding moved with its words
    moved = codings_frame(db, documents=[new1])
    assert len(moved) == 1 and moved["text"].iloc[0].endswith(
        "] negotiated the training agreement."
    )
    assert int(result["codings_moved"].iloc[0]) == 1
    # turns and speakers of the new version follow the new text
    turns = turns_frame(db, [new1])
    assert [new_text[s:e] for s, e in zip(turns["char_start"], turns["char_end"])][-1].startswith(
        "[Expert"
    )
    assert not any("Ortega" in s for s in speakers_frame(db, [new1])["speaker"])
    assert "Daniel Ortega" not in set(
        cases_frame(db)["name"]
    )  # cases named after people take the pseudonym
    # the key and the log live next to the project, never in it
    key = json.loads(key_path_for(project_path).read_text(encoding="utf-8"))
    assert (
        key["people"]["Patricia Robles"]
        == review.set_index("original").loc["Patricia Robles", "pseudonym"].iloc[0]
    )
    assert key["organisations"]["Grupo Acerero del Norte"] == "Organisation 1"
    log = log_path_for(project_path).read_text(encoding="utf-8")
    assert log.count("\n") == 1 + int(result["replacements"].sum())
    assert oct(key_path_for(project_path).stat().st_mode & 0o777) == "0o600"
    dump = "\n".join(db.conn.iterdump())
    assert "Expert" in dump and '"people"' not in dump


def test_deid_rerun_keeps_the_same_pseudonyms(deid_db, tmp_path):
    db = deid_db
    first = find_names(db, use_ner=False, names=["Patricia Robles"])
    pseudonymize(db, review=first)
    p = first.set_index("original")["pseudonym"].to_dict()
    c = tmp_path / "later.txt"
    c.write_text(
        "Interviewer: Did you see Patricia Robles again?\n\n"
        "Expert: Yes, Patricia Robles came in 2019.\n",
        encoding="utf-8",
    )
    import_transcripts([str(c)], db)
    later = find_names(db, use_ner=False, names=["Patricia Robles"])
    assert set(later["pseudonym"][later["original"] == "Patricia Robles"]) == {p["Patricia Robles"]}


def test_deid_shareable_project_and_export_hold_no_real_names(deid_db, tmp_path):
    db = deid_db
    pseudonymize(db, names=["Ingrid Salazar"], organisations=["Grupo Acerero del Norte"])
    out = shareable_copy(db, tmp_path / "shared.qda.sqlite").path
    copy = open_project(out)
    texts = " ".join(r[0] for r in copy.execute("SELECT text FROM document_texts"))
    segs = " ".join(r[0] for r in copy.execute("SELECT text FROM segments"))
    labels = " ".join(r[0] for r in copy.execute("SELECT label FROM speakers"))
    cases = " ".join(r[0] for r in copy.execute("SELECT name FROM cases"))
    for name in REAL:
        for blob in (texts, segs, labels, cases):
            assert name not in blob
        for word in name.split():
            if len(word) > 3:
                assert (
                    copy.execute(
                        "SELECT COUNT(*) FROM segments_fts WHERE segments_fts MATCH ?",
                        [f'"{word}"'],
                    ).fetchone()[0]
                    == 0
                )
    raw = out.read_bytes()
    for name in REAL:
        assert name.encode("utf-8") not in raw
    assert len(list_documents(copy)) == 2
    # an export of the pseudonymized project contains none of the real names
    from exports import export_qdpx

    qdpx = export_qdpx(copy, tmp_path / "shared.qdpx")
    with zipfile.ZipFile(qdpx) as zf:
        blob = b"".join(zf.read(n) for n in zf.namelist()).decode("utf-8", "replace")
    for name in REAL:
        assert name not in blob
    assert "[Expert" in blob


def test_deid_ner_finds_names_in_both_languages():
    from deid.names import ner_names

    names = ner_names(
        [
            ("Yesterday I spoke with Patricia Robles about the budget in Washington.", "en"),
            ("Ayer hablé con Ingrid Salazar sobre el presupuesto.", "es"),
        ]
    )
    assert "Patricia Robles" in names and "Ingrid Salazar" in names


def test_deid_second_pass_on_pseudonymized_version(deid_db):
    from coding import add_code, code_span, codings_frame

    db = deid_db
    first = find_names(
        db, use_ner=False
    )  # speakers only: Patricia Robles and Ingrid Salazar are missed
    add_code(db, "Ties")
    text = get_text(db, 1)
    s = text.index("I met Patricia Robles")
    code_span(db, 1, s, s + len("I met Patricia Robles"), "Ties", "ana")
    v2 = int(apply_review(db, first)["new_document_id"].iloc[0])
    assert "Patricia Robles" in get_text(db, v2)
    second = find_names(db, use_ner=False, names=["Patricia Robles"])
    assert set(second["original"]) == {
        "Patricia Robles",
        "Robles",
    }  # '[Expert 1]' is never proposed again
    result = apply_review(db, second)
    v3 = int(result.set_index("old_document_id").loc[v2, "new_document_id"])
    assert "Robles" not in get_text(db, v3)
    coded = codings_frame(db, documents=[v3])
    assert len(coded) == 1 and coded["text"].iloc[0].startswith("I met [Expert")
    assert list_documents(db, include_old=True).set_index("id").loc[v3, "version"] == 3


def test_deid_first_name_before_full_name_gets_the_same_pseudonym(db, tmp_path):
    f = tmp_path / "zoom.txt"
    f.write_text(
        "Marisol Quintero: Thanks, Ramiro. Shall we start?\n\nRamiro Castellanos: Sure.\n\n"
        "Marisol Quintero: Good.\n\nRamiro Castellanos: Además, Querétaro creció mucho.\n",
        encoding="utf-8",
    )
    import_transcripts([str(f)], db)
    review = find_names(db)
    p = review.groupby("original")["pseudonym"].first()
    assert (
        p["Ramiro"] == p["Ramiro Castellanos"] == "Expert 2" and p["Marisol Quintero"] == "Expert 1"
    )
    assert "Además" not in set(review["original"]) and "Querétaro" not in set(review["original"])


def test_transcripts_capitalised_label_names_found_in_text(db):
    from interviews import store_transcript
    from interviews.parse import parse_text

    tr = parse_text(
        "MARTA GIL: Hello, I am Marta Gil.\n\nPABLO REYES: Hi Marta Gil, thanks.\n\n"
        "MARTA GIL: Shall we start?\n\nPABLO REYES: Yes.\n",
        "caps.txt",
    )
    store_transcript(db, tr)
    review = find_names(db, use_ner=False)
    assert sorted(set(review["original"])) == ["MARTA GIL", "Marta Gil", "PABLO REYES"]
    assert (
        review.groupby("original")["pseudonym"].first()["Marta Gil"]
        == review.groupby("original")["pseudonym"].first()["MARTA GIL"]
    )
