"""Run the assistant as a coder: its decisions on chosen documents and codes are recorded as the
codings of coder 'assistant (model, version, date)' (kind 'assistant'), one undoable batch, so
the Agreement page can set it beside each person. Its codings count nowhere unless a scope asks
for them or a person accepts them (``coding.accept_assistant_codings``)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import sqlite_utils

from coding import CodingError, apply_batch, ensure_assistant
from nlp import EMBEDDING_MODEL, encoder_spec, run_assistant_codes
from projectfile import now_iso

# what decides: the suggestion model at the code's grain and calibrated 'likely' threshold
METHOD = "suggest-lr-grain-1"


@dataclass
class AssistantReport:
    """The assistant coder's name, the batch its codings were saved in (None: nothing coded),
    how many codings, and one row per code (grain, threshold, cross-validated kappa, status)."""

    coder: str
    batch_id: int | None
    codings: int
    codes: pd.DataFrame


def run_assistant(
    db: sqlite_utils.Database,
    documents,
    codes,
    model: str = EMBEDDING_MODEL,
    progress=None,
    date: str | None = None,
) -> AssistantReport:
    """Code ``documents`` with ``codes`` as the assistant and record its codings (see module)."""
    documents, codes = list(documents), list(codes)
    if not documents or not codes:
        raise CodingError("choose at least one document and one code for the assistant")
    run = run_assistant_codes(db, documents, codes, model=model, progress=progress)
    spec = encoder_spec(model)
    coder = ensure_assistant(
        db,
        model,
        f"{METHOD}, {spec.version}",
        date or now_iso()[:10],
        detail={"thresholds": run.codes[["code_path", "grain", "likely"]].to_dict("records")},
    )
    rows = [
        {"document_id": int(d), "char_start": int(s), "char_end": int(e), "code": int(c)}
        for d, s, e, c in zip(
            run.decisions["document_id"],
            run.decisions["char_start"],
            run.decisions["char_end"],
            run.decisions["code_id"],
        )
    ]
    batch = None
    if rows:
        batch = apply_batch(db, rows, rule=f"assistant: {len(rows)} decisions", coder=coder)
    return AssistantReport(coder, batch, len(rows), run.codes)
