"""The assistant runs the suggestion model as a coder: its decisions are recorded as the
assistant's codings, each document decided by a model that never saw that document's codings,
compared with the person by the agreement statistics, and never learned from."""

from __future__ import annotations

import pytest
from visits_data import TRAINING, build_visits


@pytest.fixture
def project(db):
    """Three documents, each with two training paragraphs (coded by ana) among two others."""
    return db, build_visits(db)


def test_run_assistant_records_codings_apart_and_compares(project):
    from coding import Scope, agreement_with, coders_frame, codes_frame, codings_frame
    from workflows import run_assistant

    db, docs = project
    before = codes_frame(db).set_index("path")["codings"].to_dict()
    report = run_assistant(db, docs, ["Training"], date="2026-12-05")
    assert report.coder.startswith("assistant (use-multilingual-v3, suggest-lr-grain-1")
    assert report.coder.endswith(", 2026-12-05)")
    kinds = coders_frame(db).set_index("name")["kind"]
    assert kinds[report.coder] == "assistant"
    row = report.codes.iloc[0]
    assert row["status"] == "ok" and row["grain"] == "paragraph" and row["n_pos"] == 6
    theirs = codings_frame(db, Scope(coders=(report.coder,)))
    assert len(theirs) == report.codings > 0
    # decided on documents it never learned from, it still finds ana's training paragraphs
    assert set(theirs["text"]) & set(TRAINING)
    assert codes_frame(db).set_index("path")["codings"].to_dict() == before  # counts nowhere
    versus = agreement_with(db, Scope(), report.coder, ["ana"], unit="paragraph")
    overall = versus[versus["code_path"] == "(overall)"].iloc[0]
    assert overall["documents"] == 3 and overall["units"] == 12
    assert overall["kappa"] > 0.4, versus[["code_path", "kappa", "percent_agreement"]]


def test_assistant_codings_not_positives(project):
    from nlp import suggest_passages
    from workflows import run_assistant

    db, docs = project
    first = suggest_passages(db, "Training", limit=12)
    run_assistant(db, docs, ["Training"], date="2026-12-05")
    again = suggest_passages(db, "Training", limit=12)
    # the assistant's codings neither train the model nor hide passages from the suggestions
    cols = ["document_id", "char_start", "char_end", "score", "band"]
    assert first[cols].equals(again[cols])


def test_held_out_scores_never_use_the_documents_own_codings():
    import numpy as np

    from nlp.assistant import held_out_scores

    rng = np.random.default_rng(0)
    centre = rng.normal(size=8)
    x = np.vstack([centre + 0.2 * rng.normal(size=(6, 8)), -centre + 0.2 * rng.normal(size=(6, 8))])
    positive = np.r_[np.ones(6), np.zeros(6)].astype(bool)
    docs = np.repeat([1, 2, 3], 4)  # rows 0-3 document 1, 4-7 document 2, 8-11 document 3
    # document 1 holds only positives, document 3 only negatives: when document 1 is held out
    # the model still has positives from document 2, so every row gets a score
    scores = held_out_scores(x, positive, ~positive, docs, np.ones(12, bool), folds=3)
    assert not np.isnan(scores).any()
    assert scores[:6].min() > scores[6:].max()
    # a single document holding every positive: held out, nothing is left to learn from
    only = np.r_[np.ones(4), np.zeros(8)].astype(bool)
    lone = held_out_scores(x, only, ~only, docs, docs == 1, folds=3)
    assert np.isnan(lone[:4]).all()


def test_cli_assistant_run(project, tmp_path, capsys):
    import cli

    db, docs = project
    path = db.execute("PRAGMA database_list").fetchone()[2]
    code = cli.main(
        [
            "assistant",
            "run",
            "--quiet",
            "--project",
            path,
            "--documents",
            *map(str, docs),
            "--codes",
            "Training",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "codings by assistant (use-multilingual-v3" in out and "Training" in out
