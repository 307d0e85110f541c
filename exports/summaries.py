"""Extractive summaries of a code, a case, a document or a cell of the code x case matrix, each
sentence with the citation of the coded passage it comes from (``nlp.summarize_spans`` picks the
sentences; this module says which passages and how to cite them)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import sqlite_utils

from coding import Scope
from nlp import EMBEDDING_MODEL, SUMMARY_COLUMNS, summarize_spans

from .errors import ExportError
from .evidence import evidence_table

TARGET_KINDS = ("code", "case", "document", "cell")
SUMMARY_TABLE_COLUMNS = [
    *SUMMARY_COLUMNS,
    "document_title",
    "code_path",
    "case_name",
    "citation",
]


@dataclass(frozen=True)
class SummaryTarget:
    """What to summarise: ``kind`` code (``code``), case (``case``), document (``document``) or
    cell (``code`` and ``case``); ids or, for codes and cases, names."""

    kind: str
    code: int | str | None = None
    case: int | str | None = None
    document: int | None = None

    def filters(self) -> dict:
        need = {"code": ("code",), "case": ("case",), "document": ("document",)}
        need["cell"] = ("code", "case")
        if self.kind not in TARGET_KINDS:
            raise ExportError(f"a summary is of a {', '.join(TARGET_KINDS)}, not {self.kind!r}")
        missing = [n for n in need[self.kind] if getattr(self, n) is None]
        if missing:
            raise ExportError(f"a summary of a {self.kind} needs its {' and '.join(missing)}")
        out: dict = {}
        if self.code is not None and "code" in need[self.kind]:
            out["codes"] = [self.code]
        if self.case is not None and "case" in need[self.kind]:
            out["cases"] = [self.case]
        if self.document is not None and self.kind == "document":
            out["documents"] = [int(self.document)]
        return out

    def label(self) -> str:
        if self.kind == "cell":
            return f"{self.code} x {self.case}"
        return str(getattr(self, self.kind))


def summary_table(
    db: sqlite_utils.Database,
    scope: Scope | None,
    target: SummaryTarget,
    k: int = 5,
    method: str = "mmr",
    model: str = EMBEDDING_MODEL,
    encoder=None,
) -> pd.DataFrame:
    """Return the summary of ``target``'s coded passages within ``scope`` (the codings that
    count: ``coding.Scope``, as every table): SUMMARY_TABLE_COLUMNS, one row per sentence in the
    order picked, each with the citation of the coded passage it comes from."""
    evidence = evidence_table(db, scope, **target.filters())
    if evidence.empty:
        return pd.DataFrame(columns=SUMMARY_TABLE_COLUMNS)
    spans = evidence.rename(columns={"coding_id": "source_coding_id"})[
        ["document_id", "char_start", "char_end", "source_coding_id"]
    ]
    picked = summarize_spans(db, spans, k=k, method=method, model=model, encoder=encoder)
    about = evidence.drop_duplicates("coding_id").set_index("coding_id")
    for col in ("document_title", "code_path", "case_name", "citation"):
        picked[col] = picked["source_coding_id"].map(about[col])
    return picked[SUMMARY_TABLE_COLUMNS]
