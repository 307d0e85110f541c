"""Undoing a merge (issue 16 §2) removes what the merge created: codes, codings, memos, coders,
documents, cases, attributes and their values, and the merge's own bookkeeping; what work made
since the merge uses stays, and the undo says so. One transaction; merging again works."""

from __future__ import annotations

import shutil

import pytest
from coding_data import make_document

import coding.merge_undo
from coding import (
    add_code,
    add_memo,
    code_span,
    codes_frame,
    codings_frame,
    delete_coding,
    ensure_code_path,
    merge_project,
    undo,
)
from corpus import get_text, list_documents, search
from corpus import store_document as store
from interviews import (
    case_attributes_frame,
    cases_frame,
    parse_transcript,
    set_attribute,
    store_transcript,
)
from projectfile import QdaError, open_project

TRANSCRIPT = (
    "Interviewer: How did the consortium start?\n\n"
    "Maria Lopez: It started in 2019 with three firms. The funding came late.\n\n"
    "Interviewer: And the training?\n\n"
    "Maria Lopez: The university trained our technicians in metrology."
)
SECOND = (
    "Interviewer: Where is the laboratory?\n\n"
    "Pedro Ruiz: Our laboratory is in Saltillo, next to the plant.\n\n"
    "Interviewer: Who pays for it?\n\n"
    "Pedro Ruiz: The state pays for the laboratory and its audits."
)
NOTE = "A laboratory note about metrology audits."
# written by every action and never restored (the log is never purged); the rest must be as before
LOGS = {"audit_log", "coding_actions", "coding_version", "sqlite_sequence", "project_backups"}


def _transcript(db, name: str, text: str) -> int:
    data = text.encode()
    return store_transcript(db, parse_transcript(name, data=data), data, title=name[:-4])


def _doc(db, source: str) -> int:
    docs = list_documents(db, include_old=True)
    return int(docs.loc[docs["source_name"] == source, "id"].iloc[0])


def _code(db, source: str, needle: str, code: str, coder: str) -> int:
    doc = _doc(db, source)
    s = get_text(db, doc).index(needle)
    return code_span(db, doc, s, s + len(needle), code, coder)


@pytest.fixture
def projects(tmp_path):
    """(ours, path of theirs): theirs brings a coder, codes, codings, memos, two documents (one
    an interview with a new case), an attribute and its values."""
    ours = tmp_path / "ours.qda.sqlite"
    db = open_project(ours)
    _transcript(db, "maria.txt", TRANSCRIPT)
    ensure_code_path(db, "Funding > Delays", coder="lead", color="#aa0000")
    _code(db, "maria.txt", "The funding came late.", "Funding > Delays", "lead")
    db.conn.close()
    theirs = tmp_path / "theirs.qda.sqlite"
    shutil.copyfile(ours, theirs)
    other = open_project(theirs)
    add_code(other, "Places", coder="ben", color="#0000aa", definition="Where things happen")
    add_code(other, "Labs", parent="Places", coder="ben")
    store(other, make_document(NOTE, "note"))
    _transcript(other, "pedro.txt", SECOND)
    _code(other, "note.txt", "metrology audits", "Places > Labs", "ben")
    _code(other, "pedro.txt", "Saltillo", "Places", "ben")
    coding_id = _code(other, "maria.txt", "three firms", "Funding > Delays", "ben")
    add_memo(other, "firms or funds?", "ben", target="coding", target_id=coding_id)
    add_memo(other, "places we heard of", "ben", target="code", target_id=3)
    set_attribute(other, "Maria Lopez", "Years", 12, type_="number")
    set_attribute(other, "Pedro Ruiz", "Years", 4, type_="number")
    other.conn.close()
    db = open_project(ours)
    yield db, theirs
    db.conn.close()


def _tables(db, times: bool = True) -> dict[str, list]:
    """Every table's rows (sorted), but the logs; without ``*_at`` columns unless ``times``."""
    names = [
        r[0]
        for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    ]
    out = {}
    for name in names:
        if name in LOGS or name.endswith(("_fts_data", "_fts_idx")):
            continue  # FTS5's b-tree pages differ after a delete; search() is checked instead
        cols = [c[1] for c in db.execute(f'PRAGMA table_info("{name}")').fetchall()]
        cols = [c for c in cols if times or not c.endswith("_at")]
        rows = db.execute(f'SELECT {", ".join(cols)} FROM "{name}"').fetchall()
        out[name] = sorted(rows, key=repr)
    return out


def _diff(a: dict, b: dict) -> dict:
    return {
        t: (len(a.get(t, [])), len(b.get(t, []))) for t in set(a) | set(b) if a.get(t) != b.get(t)
    }


def test_undo_a_merge_leaves_every_table_it_wrote_as_before_then_merge_again(projects):
    db, theirs = projects
    before = _tables(db)
    tree = list(codes_frame(db)["path"])
    first = merge_project(db, theirs, coder="carl", session="s2")
    assert first.changed > 0
    merged = _tables(db, times=False)
    assert {"Places", "Places > Labs"} <= set(codes_frame(db)["path"])
    assert {"note", "pedro"} <= set(list_documents(db)["title"])
    assert "Pedro Ruiz" in set(cases_frame(db)["name"])
    assert "Years" in case_attributes_frame(db)
    changed = _diff(before, _tables(db))
    for table in ("codes", "codings", "memos", "coders", "documents", "cases", "attributes"):
        assert table in changed, table
    label = undo(db, "carl", session="s2")
    assert label == f"merge {theirs.name}"  # nothing kept, nothing to say
    assert list(codes_frame(db)["path"]) == tree
    assert _diff(before, _tables(db)) == {}
    assert search(db, "Saltillo").empty and search(db, "metrology audits").empty
    assert undo(db, "carl", session="s2") is None  # the merge was the session's only action
    again = merge_project(db, theirs, coder="carl", session="s2")
    assert again.frame().equals(first.frame())
    assert _diff(merged, _tables(db, times=False)) == {}  # the same rows, merged again now
    assert merge_project(db, theirs, coder="carl", session="s2").changed == 0


def test_a_code_the_merge_made_and_later_work_uses_survives_the_undo_with_a_message(projects):
    db, theirs = projects
    tree = set(codes_frame(db)["path"])
    merge_project(db, theirs, coder="carl", session="s2")
    later = _code(db, "maria.txt", "trained our technicians", "Places", "ana")
    label = undo(db, "carl", session="s2")
    assert label == (
        f"merge {theirs.name}; kept what work since the merge uses or changed:"
        " code 'Places' (used by 1 coding)"
    )
    paths = set(codes_frame(db)["path"])
    assert paths == tree | {"Places"}  # the unused child goes, the used code stays
    assert list(codings_frame(db, codes="Places")["coding_id"]) == [later]
    assert codings_frame(db, coders=["ben"]).empty
    assert "ben" not in set(codings_frame(db)["coder"])
    assert {"note", "pedro"}.isdisjoint(set(list_documents(db)["title"]))
    assert "Pedro Ruiz" not in set(cases_frame(db)["name"])
    # merging again matches the kept code and brings the rest back
    again = merge_project(db, theirs, coder="carl", session="s2").frame()
    places = again[(again["item"] == "code") & (again["name"] == "Places")]
    assert list(places["outcome"]) == ["matched"]
    assert len(codings_frame(db, coders=["ben"])) == 3


def test_a_document_the_merge_added_and_later_coded_stays_with_its_case(projects):
    db, theirs = projects
    merge_project(db, theirs, coder="carl", session="s2")
    _code(db, "pedro.txt", "next to the plant", "Funding > Delays", "ana")
    set_attribute(db, "Pedro Ruiz", "Years", 5, type_="number")
    label = undo(db, "carl", session="s2")
    assert "document 'pedro' (used by 1 coding)" in label
    assert "case 'Pedro Ruiz' (used by a speaker, attribute values)" in label
    assert "Years of 'Pedro Ruiz' (changed since)" in label
    assert "attribute 'Years' (used by values)" in label
    assert "pedro" in set(list_documents(db)["title"])
    assert "note" not in set(list_documents(db)["title"])
    years = case_attributes_frame(db).set_index("case_name")["Years"]
    assert float(years["Pedro Ruiz"]) == 5 and years.isna()["Maria Lopez"]


def test_undo_of_a_merge_is_one_transaction(projects, monkeypatch):
    db, theirs = projects
    merge_project(db, theirs, coder="carl", session="s2")
    merged = _tables(db)
    actions = db.execute("SELECT id, state FROM coding_actions").fetchall()

    def broken(*_args):
        raise QdaError("disk on fire")

    monkeypatch.setattr(coding.merge_undo, "delete_case_record", broken)
    with pytest.raises(QdaError, match="disk on fire"):
        undo(db, "carl", session="s2")
    assert _diff(merged, _tables(db)) == {}
    assert db.execute("SELECT id, state FROM coding_actions").fetchall() == actions
    monkeypatch.undo()
    assert undo(db, "carl", session="s2") == f"merge {theirs.name}"


def test_merged_codings_with_a_memo_or_a_change_since_stay_and_so_do_their_codes(projects):
    db, theirs = projects
    merge_project(db, theirs, coder="carl", session="s2")
    ben = codings_frame(db, coders=["ben"]).set_index("text")["coding_id"]
    add_memo(db, "check the city", "ana", target="coding", target_id=int(ben["Saltillo"]))
    delete_coding(db, int(ben["metrology audits"]), "ana")
    label = undo(db, "carl", session="s2")
    for note in (
        "1 coding changed since the merge",
        "1 coding (used by memos or reviews)",
        "code 'Labs' (used by 1 coding)",
        "code 'Places' (used by 1 coding, child codes)",
        "document 'note' (used by 1 coding)",
        "document 'pedro' (used by 1 coding)",
        "coder 'ben'",
    ):
        assert note in label, label
    left = codings_frame(db, coders=["ben"], include_deleted=True)
    assert sorted(left["text"]) == ["Saltillo", "metrology audits"]  # "three firms" went
    assert {"Places", "Places > Labs"} <= set(codes_frame(db)["path"])
    again = merge_project(db, theirs, coder="carl", session="s2")
    assert len(codings_frame(db, coders=["ben"])) == 2  # the deleted one is not brought back
    assert again.frame().query("item == 'coding' and outcome == 'added'")["name"].tolist() == [
        "Funding > Delays by ben"
    ]
