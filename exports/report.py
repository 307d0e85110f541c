"""The HTML report as the UI and the CLI make it: its charts' frames come from coding's queries.

``report_html`` only renders; this module computes what it shows, and says so in the report when
a chart could not be computed (agreement needs codings by two or more coders).
"""

from __future__ import annotations

import pandas as pd
import sqlite_utils

from coding import Scope, agreement, codes_frame, cooccurrence
from projectfile import QdaError

from .report_clips import Clips, quote_clips
from .report_html import AGREEMENT_TITLE, evidence_html
from .tables import Out


def evidence_report(
    db: sqlite_utils.Database,
    df: pd.DataFrame,
    out: Out,
    title: str = "Coded evidence",
    scope: Scope | None = None,
    clips: bool = False,
) -> Out:
    """Write the HTML report of the evidence ``df`` with the co-occurrence and agreement over the
    scope the evidence was built from (``scope``; else the evidence's own codes and documents);
    return ``out``. ``clips``: a short recording under each transcript quote
    (``report_clips``; ExportError in a project without recordings)."""
    codebook = codes_frame(db)
    cut = quote_clips(db, df) if clips else Clips()
    if df.empty:
        return evidence_html(df, out, title=title, codebook=codebook, clip_notes=cut.left_out)
    if scope is None:
        scope = Scope(
            codes=sorted(df["code_id"].unique().tolist()),
            documents=sorted(df["document_id"].unique().tolist()),
        )
    agreed, missing = None, {}
    if df["coder"].nunique() < 2:
        missing[AGREEMENT_TITLE] = "the evidence has codings by one coder only"
    else:
        try:
            # the evidence's coders, unless the scope names them: a coder outside the evidence
            # would leave out every document they did not code
            coders = scope.coders or tuple(sorted(df["coder"].unique().tolist()))
            agreed = agreement(db, scope.replace(coders=coders))
        except QdaError as exc:
            missing[AGREEMENT_TITLE] = str(exc)
    return evidence_html(
        df,
        out,
        title=title,
        codebook=codebook,
        cooccurrence=cooccurrence(db, scope),
        agreement=agreed,
        not_computed=missing,
        clips=cut.audio,
        clip_notes=cut.left_out,
    )
