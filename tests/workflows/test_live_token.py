"""workflows.live: the change token moves with every write a member sees (from any connection) and
stays put on reads; the activity feed says who did what, where, with a link, and leaves blind
documents' work of others out."""

from __future__ import annotations

from workflow_data import coded_transcript

from coding import (
    add_memo,
    code_span,
    codes_frame,
    codings_frame,
    delete_coding,
    memos_frame,
    update_code,
)
from corpus import get_text, search
from projectfile import open_project
from workflows import activity_feed, change_token, ingest_files, place_link


def _other_connection(path):
    """A second connection, as another process (the CLI, another app process) would hold."""
    return open_project(path)


def test_token_changes_on_each_write_and_not_on_reads(db, project_path, tmp_path):
    doc, _src = coded_transcript(db, tmp_path)
    watcher = _other_connection(project_path)
    try:
        seen = [change_token(watcher)]

        def changed(what: str) -> None:
            now = change_token(watcher)
            assert now != seen[-1], f"the token did not move on {what}"
            seen.append(now)

        def unchanged(what: str) -> None:
            assert change_token(watcher) == seen[-1], f"the token moved on {what}"

        # reads of every kind leave it alone
        codings_frame(db)
        codes_frame(db)
        memos_frame(db)
        search(db, "funding")
        activity_feed(db)
        unchanged("reads")

        text = get_text(db, doc)
        s = text.index("Monterrey")
        cid = code_span(db, doc, s, s + len("Monterrey"), "Funding", "bea")
        changed("a coding")
        add_memo(db, "Ask about the delay.", "bea", target="document", target_id=doc)
        changed("a memo")
        update_code(db, "Funding", "ana", name="Money")
        changed("a code rename")
        delete_coding(db, cid, "bea")
        changed("a coding removed")
        note = tmp_path / "note.txt"
        note.write_text("A fictional note about the consortium's budget.\n", encoding="utf-8")
        ingest_files(db, [str(note)])
        changed("an ingest")
        unchanged("nothing")
    finally:
        watcher.conn.close()


def test_activity_feed_says_who_did_what_where(db, tmp_path):
    doc, _src = coded_transcript(db, tmp_path)
    text = get_text(db, doc)
    s = text.index("Monterrey")
    code_span(db, doc, s, s + len("Monterrey"), "Funding", "bea")
    add_memo(db, "Ask about the delay.", "bea", target="document", target_id=doc)
    update_code(db, "Funding", "ana", name="Money")

    feed = activity_feed(db)
    lines = list(zip(feed["who"], feed["what"]))
    assert lines[0] == ("ana", "renamed the code “Funding” to “Money”")
    assert ("bea", "wrote a memo on “maria”") in lines
    assert ("bea", "coded “Money” in “maria”") in lines
    assert sum(what.startswith("coded “Money”") for _who, what in lines) == 3
    assert ("", "added “maria”") in lines  # the import, from the ingest log
    bea = feed[(feed["who"] == "bea") & feed["what"].str.startswith("coded")].iloc[0]
    assert bea["link"] == f"code?at={doc}:{s}-{s + len('Monterrey')}"
    assert place_link(doc, None, None) == ""
    # no memo text and no document text in the feed
    assert not feed["what"].str.contains("delay|Monterrey").any()

    newest = int(feed["id"].max())
    code_span(db, doc, 0, 11, "Money", "carl")
    after = activity_feed(db, since_id=newest)
    assert list(after["who"]) == ["carl"]


def test_activity_feed_hides_blind_documents_work_of_others(db, tmp_path):
    doc, _src = coded_transcript(db, tmp_path)  # ana coded twice
    text = get_text(db, doc)
    s = text.index("Monterrey")
    code_span(db, doc, s, s + len("Monterrey"), "Funding", "bea")
    as_bea = activity_feed(db, hidden_documents={doc}, viewer="bea")
    work = as_bea[(as_bea["document_id"] == doc) & (as_bea["who"] != "")]  # not the import
    assert list(work["who"]) == ["bea"], work
    everyone = activity_feed(db)
    assert set(everyone[everyone["document_id"] == doc]["who"]) == {"ana", "bea", ""}


def test_a_blind_round_keeps_others_work_out_of_a_coders_feed_until_opened(
    db, project_path, tmp_path
):
    from coding import add_member, open_comparison, start_blind
    from workflows import attach

    doc, _src = coded_transcript(db, tmp_path)  # ana coded twice (before the round)
    for name, role in (("olga", "owner"), ("ana", "coder"), ("bea", "coder")):
        add_member(db, name, role, by="olga")
    before = change_token(db)
    round_id = start_blind(db, "Round 1", [doc], by="olga")
    assert change_token(db) != before  # coders' pages rerun: the round is on
    text = get_text(db, doc)
    s = text.index("Monterrey")
    code_span(db, doc, s, s + len("Monterrey"), "Funding", "bea")

    def feed_as(name: str):
        other = open_project(project_path)
        try:
            attach(other, name)
            return activity_feed(other)
        finally:
            other.conn.close()

    def coded_by(feed) -> set[str]:
        return set(feed[feed["what"].str.startswith("coded")]["who"])

    assert coded_by(feed_as("ana")) == {"ana"}
    assert coded_by(feed_as("bea")) == {"bea"}
    as_owner = feed_as("olga")
    assert coded_by(as_owner) == {"ana", "bea"}
    assert "olga" in set(as_owner[as_owner["what"] == "started the blind round “Round 1”"]["who"])
    assert "added bea as coder" in set(as_owner["what"])
    before = change_token(db)
    open_comparison(db, round_id, by="olga")
    assert change_token(db) != before
    assert coded_by(feed_as("ana")) == {"ana", "bea"}


def test_a_coders_token_does_not_move_with_others_work_on_blind_documents(
    db, project_path, tmp_path
):
    """Polling reveals nothing: during a blind round a coder's token stays put while another
    coder codes or writes memos on the round's documents, and moves with their own work, with
    work elsewhere and when the comparison opens; the owner's token moves with everything."""
    from coding import add_member, open_comparison, start_blind
    from workflows import attach, team_sees_others, work_only_changed

    doc, _src = coded_transcript(db, tmp_path)
    note = tmp_path / "note.txt"
    note.write_text("A fictional note about the consortium's budget.\n", encoding="utf-8")
    other_doc = ingest_files(db, [str(note)]).outcomes[0].document_id
    for name, role in (("olga", "owner"), ("ana", "coder"), ("bea", "coder")):
        add_member(db, name, role, by="olga")
    round_id = start_blind(db, "Round 1", [doc], by="olga")

    def as_member(name: str):
        other = open_project(project_path)
        attach(other, name)
        return other

    bea, olga = as_member("bea"), as_member("olga")
    try:
        assert not team_sees_others(bea, doc) and team_sees_others(bea, other_doc)
        assert team_sees_others(olga, doc)
        bea0, olga0 = change_token(bea), change_token(olga)
        text = get_text(db, doc)
        s = text.index("Monterrey")
        code_span(db, doc, s, s + len("Monterrey"), "Funding", "ana")
        add_memo(db, "Ana's thought.", "ana", target="document", target_id=doc)
        assert change_token(bea) == bea0, "bea's token moved with ana's blind work"
        olga1 = change_token(olga)
        assert olga1 != olga0 and work_only_changed(olga0, olga1)
        code_span(db, other_doc, 0, 10, "Funding", "ana")  # not in the round: bea may see it
        bea1 = change_token(bea)
        assert bea1 != bea0 and work_only_changed(bea0, bea1)
        code_span(db, doc, 0, 11, "Funding", "bea")  # bea's own work on the blind document
        bea2 = change_token(bea)
        assert bea2 != bea1
        open_comparison(db, round_id, by="olga")
        assert change_token(bea) != bea2
        assert team_sees_others(bea, doc)
    finally:
        bea.conn.close()
        olga.conn.close()
