"""Mixed-methods displays as files: the joint display (codes x groups of cases: cases with the
code, share, codings and representative quotes with citations), the crosstab of two attributes
and the comparison of two groups, as CSV, XLSX or DOCX.

``joint_table`` and ``compare_table`` add the quotes' text and citations (from the evidence
table) to ``coding.joint_display`` and ``coding.compare_groups``; the writers render frames.
"""

from __future__ import annotations

import io

import pandas as pd
import sqlite_utils
from docx import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.shared import Pt

from coding import Bins, Scope, compare_groups, joint_display

from .downloads import MIME
from .errors import ExportError
from .evidence import evidence_table
from .report_html import plural
from .tables import Out, _open, frame_csv, frame_xlsx
from .word import GREY, xml_safe

MIXED_FORMATS = ("csv", "xlsx", "docx")


def _quote_text(db: sqlite_utils.Database, scope: Scope, ids) -> dict[int, str]:
    """Return {coding id: '“quote” — citation'} for the codings ``ids``."""
    wanted = {int(i) for t in ids for i in t}
    if not wanted:
        return {}
    ev = evidence_table(db, scope.replace(codes=None, children=False))
    ev = ev[ev["coding_id"].isin(wanted)]
    return {int(i): f"“{q}” — {c}" for i, q, c in ev[["coding_id", "quote", "citation"]].values}


def _join(texts: dict[int, str], ids) -> str:
    return "\n".join(texts[i] for i in ids if i in texts)


def joint_table(
    db: sqlite_utils.Database,
    scope: Scope,
    attribute: str,
    bins: Bins = None,
    quotes: int = 2,
) -> pd.DataFrame:
    """Return the joint display (coding.JOINT_COLUMNS) with ``percent`` (share x 100, one
    decimal) and ``quotes`` (the representative quotes with citations, one a line)."""
    jd = joint_display(db, scope, attribute=attribute, bins=bins, quotes=quotes)
    texts = _quote_text(db, scope, jd["quote_coding_ids"])
    jd["percent"] = (100 * jd["share"]).round(1)
    jd["quotes"] = [_join(texts, ids) for ids in jd["quote_coding_ids"]]
    return jd


def compare_table(
    db: sqlite_utils.Database,
    scope: Scope,
    group_a: dict,
    group_b: dict,
    quotes: int = 2,
) -> pd.DataFrame:
    """Return ``coding.compare_groups`` with ``a_quotes`` and ``b_quotes`` (text and citations)."""
    cmp = compare_groups(db, scope, group_a, group_b, quotes=quotes)
    texts = _quote_text(db, scope, [*cmp["a_quote_ids"], *cmp["b_quote_ids"]])
    cmp["a_quotes"] = [_join(texts, ids) for ids in cmp["a_quote_ids"]]
    cmp["b_quotes"] = [_join(texts, ids) for ids in cmp["b_quote_ids"]]
    return cmp


def cell_text(row) -> str:
    """Return a joint display cell as text: '3 of 4 cases (75.0%) · 4 codings'."""
    return (
        f"{row.cases_with} of {plural(row.cases_in_group, 'case')} ({row.percent:g}%) · "
        f"{plural(row.codings, 'coding')}"
    )


def joint_grid(table: pd.DataFrame) -> pd.DataFrame:
    """Return the joint display as codes x groups, each cell ``cell_text``."""
    if table.empty:
        return pd.DataFrame({"code": []})
    grid = table.assign(cell=[cell_text(r) for r in table.itertuples()]).pivot(
        index="code_path", columns="group", values="cell"
    )
    grid = grid.reindex(index=list(dict.fromkeys(table["code_path"])))
    grid = grid[list(dict.fromkeys(table["group"]))]
    return grid.reset_index().rename(columns={"code_path": "code"})


def _flat(table: pd.DataFrame) -> pd.DataFrame:
    """Drop the id-tuple columns (files hold the quotes' text instead)."""
    return table.drop(columns=[c for c in table.columns if c.endswith("_ids")])


def joint_csv(table: pd.DataFrame, out: Out, raw: bool = False) -> Out:
    """Write the joint display as long CSV rows (code, group, counts, share, quotes); formulas
    neutralised unless ``raw``."""
    return frame_csv(_flat(table), out, raw=raw)


def joint_xlsx(table: pd.DataFrame, out: Out) -> Out:
    """Write sheets 'Joint display' (codes x groups) and 'Cells' (one row per cell, quotes)."""
    return frame_xlsx({"Joint display": joint_grid(table), "Cells": _flat(table)}, out)


def _landscape(title: str):
    doc = WordDocument()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    doc.add_heading(xml_safe(title), 0)
    return doc


def _note(doc, text: str) -> None:
    run = doc.add_paragraph().add_run(xml_safe(text))
    run.font.size, run.font.color.rgb = Pt(9), GREY


def joint_docx(
    table: pd.DataFrame, out: Out, attribute: str, scope_text: str = "", title: str = ""
) -> Out:
    """Write the joint display as a landscape DOCX table: a column per group, a row per code; a
    cell holds the cases with the code, the share, the codings and the quotes with citations."""
    doc = _landscape(title or f"Joint display by {attribute}")
    if scope_text:
        _note(doc, f"Scope: {scope_text}")
    groups = list(dict.fromkeys(table["group"]))
    codes = list(dict.fromkeys(table["code_path"]))
    grid = doc.add_table(rows=1 + len(codes), cols=1 + len(groups))
    grid.style = "Table Grid"
    grid.rows[0].cells[0].text = "Code"
    for cell, group in zip(grid.rows[0].cells[1:], groups):
        cell.text = xml_safe(f"{attribute}: {group}")
    cells = table.set_index(["code_path", "group"])
    for i, path in enumerate(codes, 1):
        row = grid.rows[i].cells
        row[0].text = xml_safe(path)
        for cell, group in zip(row[1:], groups):
            r = cells.loc[(path, group)]
            line = cell.paragraphs[0].add_run(
                f"{r.cases_with} of {plural(r.cases_in_group, 'case')} ({r.percent:g}%)"
            )
            line.bold = True
            count = cell.paragraphs[0].add_run(f"  {plural(r.codings, 'coding')}")
            count.font.size, count.font.color.rgb = Pt(8), GREY
            for quote in [q for q in str(r.quotes).split("\n") if q]:
                run = cell.add_paragraph().add_run(xml_safe(quote))
                run.italic, run.font.size = True, Pt(8)
    with _open(out) as fh:
        doc.save(fh)
    return out


def frame_docx(df: pd.DataFrame, out: Out, title: str, note: str = "") -> Out:
    """Write a frame (a crosstab, a comparison) as a landscape DOCX table."""
    doc = _landscape(title)
    if note:
        _note(doc, note)
    flat = df.reset_index() if df.index.name else df
    grid = doc.add_table(rows=1 + len(flat), cols=len(flat.columns))
    grid.style = "Table Grid"
    for cell, col in zip(grid.rows[0].cells, flat.columns):
        cell.text = xml_safe(col)
    for i, values in enumerate(flat.itertuples(index=False), 1):
        for cell, value in zip(grid.rows[i].cells, values):
            cell.text = xml_safe(f"{value:.2f}" if isinstance(value, float) else value)
    with _open(out) as fh:
        doc.save(fh)
    return out


def mixed_file(
    df: pd.DataFrame,
    fmt: str,
    name: str,
    kind: str = "frame",
    attribute: str = "",
    scope_text: str = "",
    raw: bool = False,
) -> tuple[bytes, str, str]:
    """Return a mixed-methods display as CSV, XLSX or DOCX bytes for a download: ``kind``
    'joint' (a ``joint_table``), else a crosstab or a comparison frame (CSV cells that would
    run as formulas neutralised unless ``raw``)."""
    if fmt not in MIXED_FORMATS:
        raise ExportError(f"format must be one of {', '.join(MIXED_FORMATS)}")
    buf = io.BytesIO()
    if kind == "joint":
        {
            "csv": lambda t, o: joint_csv(t, o, raw=raw),
            "xlsx": joint_xlsx,
            "docx": lambda t, o: joint_docx(t, o, attribute, scope_text),
        }[fmt](df, buf)
    else:
        flat = _flat(df.reset_index() if df.index.name else df)
        if fmt == "csv":
            frame_csv(flat, buf, raw=raw)
        elif fmt == "xlsx":
            frame_xlsx({name[:31]: flat}, buf)
        else:
            frame_docx(flat, buf, name, scope_text)
    return buf.getvalue(), f"{name}.{fmt}", MIME[fmt]
