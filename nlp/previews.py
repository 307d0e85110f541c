"""Auto-coding previews from entity mentions or topics: one frame shape, saved as one batch."""

from __future__ import annotations

import pandas as pd
import sqlite_utils

from coding import apply_batch, ensure_code_path

from .errors import NlpError

PREVIEW_COLUMNS = [
    "document_id",
    "document_title",
    "char_start",
    "char_end",
    "code",
    "text",
    "rule",
]


def check_code(code: str) -> str:
    """Return the code path to apply, or raise NlpError when it is empty."""
    if not str(code).strip():
        raise NlpError("name the code to apply")
    return str(code)


def preview_frame(spans: pd.DataFrame, code: str, rule: str) -> pd.DataFrame:
    """Return PREVIEW_COLUMNS for ``spans`` (document_id, document_title, start, end, text).

    The rule is kept in ``attrs["rule"]`` too, for the batch that saves the preview.
    """
    df = pd.DataFrame(
        {
            "document_id": spans["document_id"],
            "document_title": spans["document_title"],
            "char_start": spans["char_start"],
            "char_end": spans["char_end"],
            "code": str(code),
            "text": spans["text"],
            "rule": rule,
        },
        columns=PREVIEW_COLUMNS,
    )
    df.attrs["rule"] = rule
    return df.reset_index(drop=True)


def apply_code_preview(db: sqlite_utils.Database, preview: pd.DataFrame, coder: str) -> int:
    """Save a reviewed preview as one undoable auto-coding batch; return the batch id."""
    if preview.empty:
        raise NlpError("nothing to code: the preview is empty")
    for path in sorted(set(preview["code"].astype(str))):
        ensure_code_path(db, path, coder=coder)
    rule = preview.attrs.get("rule") or str(preview["rule"].iloc[0])
    rows = preview[["document_id", "char_start", "char_end", "code"]].to_dict("records")
    return apply_batch(db, rows, rule=rule, coder=coder)
