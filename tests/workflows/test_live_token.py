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
