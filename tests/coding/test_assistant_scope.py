"""The assistant as a coder: its codings are kept apart from people's (no count, matrix, listing,
retrieval or export has them unless the scope asks), it is compared with each person by the same
agreement statistics, and a person accepts its codings as one undoable batch."""

from __future__ import annotations

import pandas as pd
import pytest

from coding import Scope

PUBLIC = "Public funding came from CONACYT."
TRAINING = "Training programmes for technicians"
ASSISTANT = ("use-multilingual-v3", "suggest-lr-grain-1, 3.0", "2026-12-05")


def _span(db, doc_id: int, needle: str) -> tuple[int, int]:
    from corpus import get_text

    text = get_text(db, doc_id)
    start = text.index(needle)
    return start, start + len(needle)


def _project(db, docs, zoom):
    from coding import add_code, code_span, ensure_assistant
    from corpus import get_segments

    add_code(db, "Funding", coder="ana")
    add_code(db, "Training", coder="ana")
    policy = docs["policy"]
    for coder in ("ana", "ben"):
        code_span(db, policy, *_span(db, policy, PUBLIC), "Funding", coder)
    code_span(db, policy, *_span(db, policy, "Private funding came from firms."), "Funding", "ana")
    turns = get_segments(db, zoom)
    t0 = turns.iloc[0]
    code_span(db, zoom, int(t0["char_start"]), int(t0["char_end"]), "Training", "ana")
    bot = ensure_assistant(db, *ASSISTANT)
    code_span(db, policy, *_span(db, policy, PUBLIC), "Funding", bot)
    code_span(db, policy, *_span(db, policy, TRAINING), "Training", bot)
    for t in turns.head(3).itertuples():
        code_span(db, zoom, int(t.char_start), int(t.char_end), "Training", bot)
    return bot


def test_assistant_coder_is_named_and_of_its_own_kind(db):
    from coding import assistant_names, coders_frame, ensure_assistant

    name = ensure_assistant(db, *ASSISTANT, detail={"grain": "sentence"})
    assert name == "assistant (use-multilingual-v3, suggest-lr-grain-1, 3.0, 2026-12-05)"
    assert ensure_assistant(db, *ASSISTANT) == name  # once
    assert assistant_names(db) == [name]
    row = coders_frame(db).set_index("name").loc[name]
    assert row["kind"] == "assistant" and row["detail"]["model"] == ASSISTANT[0]


def test_scope_excludes_assistant_by_default(db, docs, zoom):
    import coding as C
    from exports import evidence_table

    bot = _project(db, docs, zoom)
    every = Scope(count="codings")
    listing = C.codings_frame(db)
    assert bot not in set(listing["coder"]) and len(listing) == 4
    counts = C.codes_frame(db, scope=every).set_index("path")["codings"]
    assert counts.to_dict() == {"Funding": 3, "Training": 1}
    freq = C.frequencies(db, scope=every).set_index("code_path")["codings"]
    assert freq.to_dict() == {"Funding": 3, "Training": 1}
    matrix = C.code_case_frame(db, every)
    assert matrix["codings"].sum() == 1  # ana's one coded turn; the assistant's 3 are not there
    assert len(C.retrieve(db, every.replace(codes=("Training",)))) == 1
    assert set(evidence_table(db)["coder"]) == {"ana", "ben"}
    assert C.count_mode(db) == "segments"  # two people; the assistant does not make a team
    assert C.coder_names(db, with_codings=True) == sorted(["ana", "ben", bot])

    # asked for: the assistant's codings count
    with_bot = Scope(count="codings", assistants=True)
    assert C.codes_frame(db, scope=with_bot).set_index("path")["codings"].to_dict() == {
        "Funding": 4,
        "Training": 5,
    }
    assert "with the assistant's codings" in with_bot.describe()


def test_one_person_and_the_assistant_is_not_a_team(db, docs):
    import coding as C

    policy = docs["policy"]
    C.add_code(db, "Funding", coder="ana")
    C.code_span(db, policy, *_span(db, policy, PUBLIC), "Funding", "ana")
    bot = C.ensure_assistant(db, *ASSISTANT)
    C.code_span(db, policy, *_span(db, policy, PUBLIC), "Funding", bot)
    assert C.count_mode(db) == "codings"


def test_scope_names_assistant_explicitly(db, docs, zoom):
    import coding as C

    bot = _project(db, docs, zoom)
    mine = C.codings_frame(db, Scope(coders=(bot,)))
    assert set(mine["coder"]) == {bot} and len(mine) == 5
    both = C.codings_frame(db, Scope(coders=(bot, "ana")))
    assert set(both["coder"]) == {bot, "ana"}


def test_agreement_with_assistant_matches_pairwise_agreement(db, docs, zoom):
    from coding import agreement, agreement_with

    bot = _project(db, docs, zoom)
    for unit in ("char", "sentence"):
        versus = agreement_with(db, Scope(), bot, ["ana", "ben"], unit=unit)
        assert list(versus.columns[:2]) == ["versus", "code_id"]
        assert set(versus["versus"]) == {"ana", "ben"}
        for other in ("ana", "ben"):
            pair = agreement(db, Scope(coders=(bot, other)), unit=unit)
            got = versus[versus["versus"] == other].drop(columns="versus").reset_index(drop=True)
            pd.testing.assert_frame_equal(got, pair)
        overall = versus[versus["code_path"] == "(overall)"].set_index("versus")
        assert overall.loc["ana", "documents"] == 2  # ana coded both documents; ben only one
        assert overall.loc["ben", "documents"] == 1
        assert overall["kappa"].notna().all()


def test_accept_assistant_codings_undoable(db, docs, zoom):
    import coding as C

    bot = _project(db, docs, zoom)
    theirs = C.codings_frame(db, Scope(coders=(bot,)))
    pick = theirs[theirs["code_path"] == "Training"]["coding_id"].tolist()
    before = C.codes_frame(db, scope=Scope(count="codings")).set_index("path")["codings"]
    batch = C.accept_assistant_codings(db, pick, "ben")
    after = C.codes_frame(db, scope=Scope(count="codings")).set_index("path")["codings"]
    assert after["Training"] == before["Training"] + len(pick)
    copied = C.codings_frame(db, Scope(coders=("ben",)), batch_id=batch)
    assert len(copied) == len(pick) and set(copied["coder"]) == {"ben"}
    C.undo_batch(db, batch, "ben")
    again = C.codes_frame(db, scope=Scope(count="codings")).set_index("path")["codings"]
    assert again.to_dict() == before.to_dict()
    assert len(C.codings_frame(db, Scope(coders=(bot,)))) == len(theirs)  # the assistant's stay

    people = C.codings_frame(db)["coding_id"].tolist()
    with pytest.raises(C.CodingError, match="only the assistant's codings"):
        C.accept_assistant_codings(db, people[:1], "ben")
    with pytest.raises(C.CodingError, match="to a person"):
        C.accept_assistant_codings(db, pick, bot)
