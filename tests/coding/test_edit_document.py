"""Correcting a coded document: codings follow their words to the new version (issue 16 §1)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from coding import (
    CodingError,
    add_memo,
    code_span,
    codings_frame,
    discard_review,
    edit_document,
    ensure_code_path,
    follow_new_versions,
    memos_frame,
    reanchor,
    review_frame,
    undo,
)
from corpus import (
    Document,
    Page,
    get_document,
    get_pages,
    get_segments,
    get_text,
    list_documents,
    paragraphs_from_text,
    search,
    sha256_bytes,
    store_document,
)
from corpus.ingest import ingest
from interviews import cases_frame, import_transcripts, speakers_frame
from projectfile import NotFound

POLICY = (
    "The council met in March.\n\n"
    "Teh funding for the consortium came late. Suppliers waited for certification.\n\n"
    "A final paragraph about the laboratory and its metrology work."
)
TRANSCRIPT = (
    "Interviewer: How did teh consortium start?\n\n"
    "Maria Lopez: It started in 2019 with three firms. The funding came late. We waited a year.\n\n"
    "Interviewer: And the training?\n\n"
    "Maria Lopez: The university trained our technicians in metrology."
)


def _code(db, doc_id, needle, code="Theme > Funding", coder="ana"):
    text = get_text(db, doc_id)
    ensure_code_path(db, code, coder=coder)
    s = text.index(needle)
    return code_span(db, doc_id, s, s + len(needle), code, coder)


def _quotes(db, doc_id):
    return sorted(codings_frame(db, documents=[doc_id], versions="all")["text"])


def _ingest(db, path):
    with ThreadPoolExecutor(1) as pool:  # parsing in a thread: no process start-up in a test
        (out,) = ingest([str(path)], db, executor=pool, backup=False)
    return out


@pytest.fixture
def policy(db):
    """The policy text stored as ingest would store brief.txt (paragraph segments)."""
    doc = Document(
        text=POLICY,
        title="brief",
        source_name="brief.txt",
        segments=paragraphs_from_text(POLICY),
        sha256=sha256_bytes(POLICY.encode()),
        size=len(POLICY.encode()),
    )
    return store_document(db, doc)


@pytest.fixture
def interview(tmp_path, db):
    path = tmp_path / "maria.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    (out,) = import_transcripts([str(path)], db)
    return out.document_id


def test_edit_typo_inside_before_and_after_coded_spans(db, policy):
    _code(db, policy, "Teh funding for the consortium came late.")
    _code(db, policy, "Suppliers waited", code="Theme > Suppliers")
    _code(db, policy, "laboratory", code="Theme > Lab")
    new = (
        POLICY.replace("Teh funding", "The funding")  # inside the first coding
        .replace("council met", "council finally met")  # before every coding
        .replace("metrology work", "metrology work.")  # after every coding
        .replace("laboratory", "laboratory")
    )
    result = edit_document(db, policy, new, "ana")
    assert result.codings_moved == 3 and result.needs_review == 0
    assert _quotes(db, result.new_document_id) == [
        "Suppliers waited",
        "The funding for the consortium came late.",
        "laboratory",
    ]
    doc = get_document(db, result.new_document_id)
    assert doc["version"] == 2 and doc["is_current"] == 1 and doc["previous_id"] == policy
    # the old version keeps its codings and its text
    assert "Teh funding for the consortium came late." in _quotes(db, policy)
    with pytest.raises(CodingError, match=f"earlier version.*document {result.new_document_id}"):
        edit_document(db, policy, POLICY, "ana")


def test_edit_word_changed_inside_a_span_grows_it(db, policy):
    _code(db, policy, "Teh funding for the consortium came late.")
    new = POLICY.replace("came late", "arrived very late")
    result = edit_document(db, policy, new, "ana")
    assert _quotes(db, result.new_document_id) == [
        "Teh funding for the consortium arrived very late."
    ]


def test_edit_paragraph_inserted_moves_spans_segments_and_search(db, policy):
    _code(db, policy, "A final paragraph about the laboratory")
    new = POLICY.replace(
        "\n\nA final", "\n\nAn inserted paragraph about aerospace machining.\n\nA final"
    )
    result = edit_document(db, policy, new, "ana")
    assert _quotes(db, result.new_document_id) == ["A final paragraph about the laboratory"]
    segs = get_segments(db, result.new_document_id)
    texts = list(segs["text"])
    assert "An inserted paragraph about aerospace machining." in texts
    assert len(texts) == 4
    hits = search(db, "machining")
    assert set(hits["document_id"]) == {result.new_document_id}
    assert set(search(db, "laboratory")["document_id"]) == {result.new_document_id}


def test_edit_deleted_sentence_goes_to_review_then_reanchor_or_discard(db, policy):
    lost = _code(db, policy, "Suppliers waited for certification.")
    _code(db, policy, "Teh funding for the consortium came late.", coder="ben")
    add_memo(db, "late money", "ana", target="coding", target_id=lost)
    new = POLICY.replace(" Suppliers waited for certification.", "")
    result = edit_document(db, policy, new, "ana")
    assert result.codings_moved == 1 and result.needs_review == 1
    assert "1 codings need a new place" in result.summary()
    review = review_frame(db)
    assert list(review["text"]) == ["Suppliers waited for certification."]
    assert review["coder"].iloc[0] == "ana" and review["suggested_start"].iloc[0] == -1
    assert "came late. A final paragraph" in review["context"].iloc[0].replace("\n\n", " ")
    # never dropped: the coding is still there on the old version
    assert "Suppliers waited for certification." in _quotes(db, policy)
    new_id = result.new_document_id
    # re-anchor on a place in the new text: same code and coder, the review closes
    text = get_text(db, new_id)
    s = text.index("A final paragraph")
    cid = reanchor(db, int(review["review_id"].iloc[0]), s, s + 17, "ana")
    row = codings_frame(db, documents=[new_id]).set_index("coding_id").loc[cid]
    assert row["coder"] == "ana" and row["code_path"] == "Theme > Funding"
    assert review_frame(db).empty
    undo(db, "ana")  # undo the re-anchor: the review is open again
    assert len(review_frame(db)) == 1
    discard_review(db, int(review["review_id"].iloc[0]), "ana")
    assert review_frame(db).empty
    assert "Suppliers waited for certification." in _quotes(db, policy)


def test_edit_undo_restores_previous_version_and_codings(db, policy):
    _code(db, policy, "Teh funding for the consortium came late.")
    result = edit_document(db, policy, POLICY.replace("Teh", "The"), "ana")
    assert get_document(db, policy)["is_current"] == 0
    assert undo(db, "ana").startswith("edit")
    current = list_documents(db)
    assert list(current["id"]) == [policy]
    assert _quotes(db, policy) == ["Teh funding for the consortium came late."]
    with pytest.raises(NotFound):
        get_document(db, result.new_document_id)
    # editing again after an undo works (the same text is not a "duplicate")
    again = edit_document(db, policy, POLICY.replace("Teh", "The"), "ana")
    assert _quotes(db, again.new_document_id) == ["The funding for the consortium came late."]


def test_edit_crlf_and_bom_copy_changes_nothing(db, policy, tmp_path):
    cid = _code(db, policy, "Teh funding for the consortium came late.")
    before = codings_frame(db)
    result = edit_document(db, policy, "\ufeff" + POLICY.replace("\n", "\r\n"), "ana")
    assert result.unchanged and "no change" in result.summary()
    # the same file re-exported with CRLF and a BOM, re-ingested: no new version, no change
    path = tmp_path / "brief.txt"
    path.write_bytes(b"\xef\xbb\xbf" + POLICY.replace("\n", "\r\n").encode("utf-8"))
    out = _ingest(db, path)
    assert out.status == "skipped"
    assert len(list_documents(db, include_old=True)) == 1
    after = codings_frame(db)
    assert after.equals(before) and int(after["coding_id"].iloc[0]) == cid


def test_reingest_corrected_file_follows_codings(db, policy, tmp_path):
    _code(db, policy, "Teh funding for the consortium came late.")
    _code(db, policy, "Suppliers waited for certification.")
    path = tmp_path / "brief.txt"
    path.write_text(
        POLICY.replace("Teh", "The").replace(" Suppliers waited for certification.", ""),
        encoding="utf-8",
    )
    out = _ingest(db, path)
    assert out.status == "ok"
    [result] = follow_new_versions(db)
    assert (result.codings_moved, result.needs_review) == (1, 1)
    assert _quotes(db, out.document_id) == ["The funding for the consortium came late."]
    assert follow_new_versions(db) == []  # once only


def test_edit_transcript_typo_new_turn_and_memos(db, interview):
    cid = _code(db, interview, "The funding came late.")
    add_memo(db, "delays", "ana", target="coding", target_id=cid)
    add_memo(db, "about Maria", "ana", target="document", target_id=interview)
    text = get_text(db, interview)
    new = text.replace("teh consortium", "the consortium").replace(
        " We waited a year.", "\n\nInterviewer: How long?\n\nMaria Lopez: We waited a year."
    )
    result = edit_document(db, interview, new, "ana")
    new_id = result.new_document_id
    assert result.turns == 6
    assert _quotes(db, new_id) == ["The funding came late."]
    turns = get_segments(db, new_id, kind="turn")
    assert len(turns) == 6
    assert "the consortium" in get_text(db, new_id)
    memos = memos_frame(db)
    moved_coding = int(codings_frame(db, documents=[new_id])["coding_id"].iloc[0])
    assert {(m.target, m.target_id) for m in memos.itertuples()} >= {
        ("coding", moved_coding),
        ("document", new_id),
    }
    speakers = speakers_frame(db, [new_id])
    assert set(speakers["speaker"]) == {"Interviewer", "Maria Lopez"}


def test_edit_transcript_fixed_speaker_name_renames_speaker_and_case(db, interview):
    cid = _code(db, interview, "We waited a year.")
    old_cases = set(cases_frame(db)["name"])
    assert "Maria Lopez" in old_cases
    new = get_text(db, interview).replace("Maria Lopez:", "María López:")
    result = edit_document(db, interview, new, "ana")
    assert result.renamed_speakers == {"Maria Lopez": "María López"}
    names = set(cases_frame(db)["name"])
    assert "María López" in names and "Maria Lopez" not in names
    speakers = speakers_frame(db, [result.new_document_id])
    row = speakers[speakers["speaker"] == "María López"].iloc[0]
    assert row["case_name"] == "María López" and row["role"] == "interviewee"
    assert _quotes(db, result.new_document_id) == ["We waited a year."]
    assert cid in set(codings_frame(db, documents=[interview], versions="all")["coding_id"])
    undo(db, "ana")
    assert "Maria Lopez" in set(cases_frame(db)["name"])


def test_edit_moves_pages_of_a_paged_document(db):
    text = "Page one text about funding.\n\nPage two text about training and metrology."
    cut = text.index("Page two")
    doc = store_document(
        db,
        Document(
            text=text,
            title="paged",
            source_name="paged.pdf",
            file_type="pdf",
            pages=[Page(1, 0, cut), Page(2, cut, len(text))],
            segments=paragraphs_from_text(text),
            sha256=sha256_bytes(text.encode()),
            size=len(text.encode()),
        ),
    )
    _code(db, doc, "training and metrology")
    new = text.replace("about funding", "about late public funding")
    result = edit_document(db, doc, new, "ana")
    pages = get_pages(db, result.new_document_id)
    stored = get_text(db, result.new_document_id)
    assert list(pages["number"]) == [1, 2]
    second = pages.iloc[1]
    assert stored[int(second["char_start"]) : int(second["char_end"])].startswith("Page two")
    segs = get_segments(db, result.new_document_id)
    assert list(segs["text"])[0] == "Page one text about late public funding."
    assert _quotes(db, result.new_document_id) == ["training and metrology"]


def test_edit_pseudonymized_transcript_stays_pseudonymized(db, interview, tmp_path):
    from deid import pseudonymize  # deid sits above coding; only this test needs it
    from interviews import transcripts_frame

    pseudonymize(db, names=["Maria Lopez"], use_ner=False, key_file=tmp_path / "key.json")
    current = transcripts_frame(db)
    pseudo_id = int(current["document_id"].iloc[0])
    assert int(current["pseudonymized"].iloc[0]) == 1
    text = get_text(db, pseudo_id)
    result = edit_document(db, pseudo_id, text.replace("teh", "the"), "ana")
    row = transcripts_frame(db).iloc[0]
    assert int(row["document_id"]) == result.new_document_id
    assert int(row["pseudonymized"]) == 1 and int(row["source_document_id"]) == interview
    assert "Maria Lopez" not in get_text(db, result.new_document_id)


def test_undo_of_an_edit_refuses_when_the_new_version_was_coded_since(db, policy):
    _code(db, policy, "Teh funding for the consortium came late.")
    result = edit_document(db, policy, POLICY.replace("Teh", "The"), "ana")
    _code(db, result.new_document_id, "Suppliers waited", coder="ben")
    with pytest.raises(CodingError, match="cannot undo the edit: 1 codings"):
        undo(db, "ana")
    assert get_document(db, result.new_document_id)["is_current"] == 1
    assert len(codings_frame(db, documents=[result.new_document_id])) == 2


def test_undo_of_an_older_edit_waits_for_the_newer_one(db, policy):
    _code(db, policy, "Teh funding for the consortium came late.")
    first = edit_document(db, policy, POLICY.replace("Teh", "The"), "ana", session="a")
    edit_document(db, first.new_document_id, POLICY.replace("Teh", "The") + " End.", "ben")
    with pytest.raises(CodingError, match="edited again since"):
        undo(db, "ana", session="a")
    assert undo(db, "ben").startswith("edit")
    assert undo(db, "ana", session="a").startswith("edit")
    assert list(list_documents(db)["id"]) == [policy]
