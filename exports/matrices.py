"""Matrices (code x case, code x attribute value, code co-occurrence) and the codebook, as CSV or
XLSX.

The numbers come from the coding package's own queries (``coding.matrices``), so the Analysis page,
the CLI and these files agree.
"""

from __future__ import annotations

import pandas as pd
import sqlite_utils

from coding import code_attribute_matrix, code_case_matrix, codes_frame, cooccurrence

from .errors import ExportError
from .tables import Out, frame_csv, frame_xlsx

MATRIX_KINDS = ("code-case", "code-attribute", "cooccurrence")
MATRIX_VALUES = ("codings", "coded_chars", "percent", "present")
CODEBOOK_COLUMNS = [
    "path",
    "name",
    "level",
    "color",
    "definition",
    "inclusion",
    "exclusion",
    "example",
    "codings",
    "documents",
    "cases",
]


def matrix_frame(
    db: sqlite_utils.Database,
    kind: str = "code-case",
    value: str = "codings",
    attribute: str | None = None,
    codes=None,
    children: bool = False,
    coders=None,
    documents=None,
    cases=None,
    mode: str = "overlap",
    transpose: bool = False,
    count: str = "auto",
) -> pd.DataFrame:
    """Return a matrix as a flat frame: first column 'code', then one column per case / attribute
    value / code.

    ``kind`` is 'code-case', 'code-attribute' (needs ``attribute``) or 'cooccurrence' (``mode``
    'overlap', 'paragraph' or 'turn'); ``value`` 'codings', 'coded_chars', 'percent' or 'present'
    (0/1, code-case only). ``transpose`` puts cases (or attribute values) in rows and codes in
    columns (first column 'case' / the attribute). ``count`` 'segments' counts a segment coded by
    several coders once, 'codings' every coding, 'auto' segments in a team project. Cases come
    from coding's case rule, the same as the evidence table's.
    """
    if kind not in MATRIX_KINDS:
        raise ExportError(f"kind must be one of {', '.join(MATRIX_KINDS)}, not {kind!r}")
    if value not in MATRIX_VALUES:
        raise ExportError(f"value must be one of {', '.join(MATRIX_VALUES)}, not {value!r}")
    filters = {
        "codes": codes,
        "children": children,
        "coders": coders,
        "documents": documents,
        "cases": cases,
        "count": count,
    }
    if kind == "code-case":
        m = code_case_matrix(db, value=value, **filters)
    elif kind == "code-attribute":
        if not attribute:
            raise ExportError("a code x attribute matrix needs --attribute NAME")
        if value == "present":
            raise ExportError("'present' is only for the code x case matrix")
        m = code_attribute_matrix(db, attribute, value=value, **filters)
    else:
        m = cooccurrence(
            db,
            codes=codes,
            children=children,
            mode=mode,
            coders=coders,
            documents=documents,
            cases=cases,
            count=count,
        )
    if m is None or m.empty:
        return pd.DataFrame({"code": pd.Series(dtype="object")})
    m = m.copy()
    m.columns = [str(c) for c in m.columns]
    m.index.name = "code"
    if transpose and kind != "cooccurrence":
        m = m.T
        m.index.name = "case" if kind == "code-case" else attribute
        m.columns = [str(c) for c in m.columns]
    return m.reset_index()


def matrix_csv(df: pd.DataFrame, out: Out, bom: bool = False) -> Out:
    """Write a matrix frame as CSV; return ``out``."""
    return frame_csv(df, out, bom=bom)


def matrix_xlsx(df: pd.DataFrame, out: Out, title: str = "Matrix") -> Out:
    """Write a matrix frame as XLSX (frozen header, one sheet); return ``out``."""
    return frame_xlsx({title: df}, out)


def codebook_frame(db: sqlite_utils.Database) -> pd.DataFrame:
    """Return the codebook in tree order with CODEBOOK_COLUMNS (level 1 = top-level code)."""
    codes = codes_frame(db)
    if codes.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in CODEBOOK_COLUMNS})
    codes = codes.assign(level=codes["path"].str.count(" > ") + 1)
    return codes[CODEBOOK_COLUMNS].reset_index(drop=True)


def codebook_csv(db: sqlite_utils.Database, out: Out, bom: bool = False) -> Out:
    """Write the codebook (tree order, definitions, criteria, examples, counts) as CSV; return
    ``out``."""
    return frame_csv(codebook_frame(db), out, bom=bom)
