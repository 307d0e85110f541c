"""A framework matrix ready to write: rows x codes, each cell with its count, the researcher's
summary and numbered quotes; writers for XLSX, Markdown and LaTeX (DOCX: ``framework_docx``).

``framework_table`` computes (counts from ``coding.framework_frame`` over the one scope, quotes
from the evidence table, so ``quote == text[start:end]`` and citations follow the project's
template); the writers render it and compute nothing.
"""

from __future__ import annotations

import dataclasses
import io

import pandas as pd
import sqlite_utils

from coding import (
    Scope,
    cell_summaries,
    count_mode,
    framework_codes,
    framework_frame,
    framework_rows,
    parse_rows,
)

from .downloads import MIME
from .errors import ExportError
from .evidence import evidence_table, unique_quotes
from .framework_docx import count_text, framework_docx, refs_text
from .tables import Out, _open, frame_xlsx, latex_escape, markdown_escape

QUOTE_COLUMNS = ["n", "row_key", "row_label", "code_id", "code_path", "quote", "citation"]
FRAMEWORK_FORMATS = ("docx", "xlsx", "md", "tex")


@dataclasses.dataclass(frozen=True)
class FrameworkTable:
    """What a framework export holds: ``rows`` (row_key, row_label), ``columns`` (code_id,
    code_path), ``cells`` (coding.FRAMEWORK_COLUMNS), ``summaries`` (row_key, code_id, text,
    author, updated_at), ``quotes`` (QUOTE_COLUMNS, numbered 1.. in row then column order),
    ``row_title`` ('Case', 'Document' or the attribute's name) and ``scope`` (its description)."""

    rows: pd.DataFrame
    columns: pd.DataFrame
    cells: pd.DataFrame
    summaries: pd.DataFrame
    quotes: pd.DataFrame
    row_title: str
    scope: str

    def cell(self, key: str, code_id: int) -> tuple[int, str, list[int]]:
        """Return (codings, summary, quote numbers) of one cell."""
        c = self.cells[(self.cells["row_key"] == key) & (self.cells["code_id"] == code_id)]
        s = self.summaries[
            (self.summaries["row_key"] == key) & (self.summaries["code_id"] == code_id)
        ]
        q = self.quotes[(self.quotes["row_key"] == key) & (self.quotes["code_id"] == code_id)]
        n = int(c["codings"].iloc[0]) if len(c) else 0
        return n, str(s["text"].iloc[0]) if len(s) else "", q["n"].astype(int).tolist()


def framework_table(
    db: sqlite_utils.Database,
    scope: Scope | None = None,
    rows: str = "case",
    quotes: int | None = 3,
    only_filled: bool = True,
) -> FrameworkTable:
    """Return the framework matrix of ``scope`` by ``rows`` ('case', 'document',
    'attribute:NAME') with up to ``quotes`` quotes per cell (None: all; 0: none) in the order
    they appear; ``only_filled`` drops rows with neither codings nor a summary."""
    scope = scope or Scope()
    kind, attribute = parse_rows(rows)
    columns = framework_codes(db, scope)
    cells = framework_frame(db, scope, rows=rows)
    axis = framework_rows(db, scope, rows)
    summaries = cell_summaries(db, columns["code_id"].tolist())
    if only_filled:
        keep = set(cells["row_key"]) | set(summaries["row_key"])
        axis = axis[axis["row_key"].isin(keep)]
    summaries = summaries[summaries["row_key"].isin(set(axis["row_key"]))]
    quoted = _quotes(db, scope, cells, axis, columns, quotes)
    title = {"case": "Case", "document": "Document"}.get(kind, attribute or "")
    mode = count_mode(db, scope)
    counted = "each segment once" if mode == "segments" else "every coding"
    described = scope.describe() + (f" (counted: {counted})" if scope.count == "auto" else "")
    return FrameworkTable(
        rows=axis.reset_index(drop=True),
        columns=columns[["code_id", "code_path"]].reset_index(drop=True),
        cells=cells,
        summaries=summaries.reset_index(drop=True),
        quotes=quoted,
        row_title=title,
        scope=described,
    )


def _quotes(db, scope, cells, axis, columns, limit) -> pd.DataFrame:
    """Return the numbered quotes of each cell (unique spans, several coders' once)."""
    if limit == 0 or cells.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in QUOTE_COLUMNS})
    codes = sorted({i for t in cells["coding_ids"] for i in t})
    ev = evidence_table(db, Scope.of(scope).replace(codes=None, children=False))
    ev = ev[ev["coding_id"].isin(codes)].set_index("coding_id", drop=False)
    order = {k: i for i, k in enumerate(axis["row_key"])}
    col_order = {c: i for i, c in enumerate(columns["code_id"])}
    cells = cells[cells["row_key"].isin(order)].copy()
    cells["_r"] = cells["row_key"].map(order)
    cells["_c"] = cells["code_id"].map(col_order)
    out = []
    for cell in cells.sort_values(["_r", "_c"]).itertuples(index=False):
        part = ev.loc[[i for i in cell.coding_ids if i in ev.index]]
        part = unique_quotes(part).drop_duplicates(["document_id", "char_start", "char_end"])
        part = part.sort_values(["document_title", "char_start"])
        if limit is not None:
            part = part.head(limit)
        for quote, cite in part[["quote", "citation"]].itertuples(index=False):
            out.append((cell.row_key, cell.row_label, cell.code_id, cell.code_path, quote, cite))
    df = pd.DataFrame(out, columns=QUOTE_COLUMNS[1:])
    df.insert(0, "n", range(1, len(df) + 1))
    return df


def framework_xlsx(table: FrameworkTable, out: Out) -> Out:
    """Write sheet 'Framework' (a row per row, a column per code; a cell holds the summary, its
    count and quote numbers, as text) and sheet 'Quotes' (n, row, code, quote, citation)."""
    grid = []
    for key, label in table.rows[["row_key", "row_label"]].itertuples(index=False):
        line = {table.row_title or "Row": label}
        for code_id, path in table.columns[["code_id", "code_path"]].itertuples(index=False):
            n, summary, refs = table.cell(key, int(code_id))
            tail = f"[{count_text(n)}{'; quotes ' + ', '.join(map(str, refs)) if refs else ''}]"
            line[path] = f"{summary}\n\n{tail}" if summary else (tail if n else "")
        grid.append(line)
    columns = [table.row_title or "Row", *table.columns["code_path"]]
    frame = pd.DataFrame(grid, columns=columns).astype(str)
    quotes = table.quotes.rename(columns={"row_label": table.row_title or "row"})
    quotes = quotes.drop(columns=["code_id"]).astype({"n": str})
    return frame_xlsx({"Framework": frame, "Quotes": quotes}, out)


def framework_markdown(table: FrameworkTable, out: Out, title: str = "Framework matrix") -> Out:
    """Write the matrix as a Markdown pipe table (summary, count, quote numbers per cell), then
    the numbered quotes."""
    paths = table.columns["code_path"].tolist()
    head = [markdown_escape(table.row_title or "Row"), *map(markdown_escape, paths)]
    lines = [f"# {markdown_escape(title)}", "", f"*Scope:* {markdown_escape(table.scope)}", ""]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for key, label in table.rows[["row_key", "row_label"]].itertuples(index=False):
        cells = [markdown_escape(label)]
        for code_id in table.columns["code_id"]:
            n, summary, refs = table.cell(key, int(code_id))
            text = "<br>".join(markdown_escape(p) for p in summary.split("\n") if p.strip())
            tail = f"{count_text(n)} {markdown_escape(refs_text(refs))}".strip() if n else ""
            cells.append("<br>".join(p for p in (text, f"*{tail}*" if tail else "") if p))
        lines.append("| " + " | ".join(cells) + " |")
    if len(table.quotes):
        lines += ["", "## Quotes", ""]
        for q in table.quotes.itertuples(index=False):
            quote = " ".join(str(q.quote).split())
            lines.append(
                f"{q.n}\\. {markdown_escape(q.row_label)} × {markdown_escape(q.code_path)}: "
                f"“{markdown_escape(quote)}” — {markdown_escape(q.citation)}"
            )
    with _open(out) as fh:
        fh.write(("\n".join(lines) + "\n").encode("utf-8"))
    return out


def framework_latex(table: FrameworkTable, out: Out, standalone: bool = False) -> Out:
    """Write the matrix as a booktabs ``longtable`` (landscape in the standalone document) and
    the numbered quotes as an enumerated list."""
    k = max(len(table.columns), 1)
    width = f"{0.84 / k:.3f}"
    spec = "@{}p{0.14\\linewidth}" + f"p{{{width}\\linewidth}}" * k + "@{}"
    head = " & ".join(
        [rf"\textbf{{{latex_escape(table.row_title or 'Row')}}}"]
        + [rf"\textbf{{{latex_escape(p)}}}" for p in table.columns["code_path"]]
    )
    body = []
    for key, label in table.rows[["row_key", "row_label"]].itertuples(index=False):
        cells = [latex_escape(label)]
        for code_id in table.columns["code_id"]:
            n, summary, refs = table.cell(key, int(code_id))
            tail = (
                rf"\emph{{{latex_escape(count_text(n))} {latex_escape(refs_text(refs))}}}"
                if n
                else ""
            )
            cells.append(r"\newline ".join(p for p in (latex_escape(summary), tail) if p))
        body.append(" & ".join(cells) + r" \\")
    lines = [
        rf"\begin{{longtable}}{{{spec}}}",
        rf"\caption{{Framework matrix ({latex_escape(table.scope)})}}\\",
        r"\toprule",
        head + r" \\",
        r"\midrule",
        r"\endhead",
        r"\bottomrule",
        r"\endfoot",
        *body,
        r"\end{longtable}",
    ]
    if len(table.quotes):
        lines += [r"\subsection*{Quotes}", r"\begin{enumerate}"]
        for q in table.quotes.itertuples(index=False):
            lines.append(
                rf"\item[{q.n}.] {latex_escape(q.row_label)} $\times$ {latex_escape(q.code_path)}:"
                rf" ``{latex_escape(q.quote)}'' --- {latex_escape(q.citation)}"
            )
        lines.append(r"\end{enumerate}")
    if standalone:
        lines = [
            r"\documentclass{article}",
            r"\usepackage{fontspec}",
            r"\usepackage[landscape,margin=2cm]{geometry}",
            r"\usepackage{booktabs}",
            r"\usepackage{longtable}",
            r"\begin{document}",
            *lines,
            r"\end{document}",
        ]
    with _open(out) as fh:
        fh.write(("\n".join(lines) + "\n").encode("utf-8"))
    return out


def cell_quotes(
    db: sqlite_utils.Database, scope: Scope, table: FrameworkTable, key: str, code_id: int
) -> pd.DataFrame:
    """Return every quote of one cell of ``table`` (QUOTE_COLUMNS, numbered from 1)."""
    cells = table.cells[(table.cells["row_key"] == key) & (table.cells["code_id"] == code_id)]
    axis = table.rows[table.rows["row_key"] == key]
    return _quotes(db, scope, cells, axis, table.columns, None)


def framework_file(
    table: FrameworkTable, fmt: str, name: str = "framework", quotes_as: str = "appendix"
) -> tuple[bytes, str, str]:
    """Return the table written as ``fmt`` (docx, xlsx, md, tex) for a download button (DOCX
    quotes as an appendix or footnotes)."""
    if fmt not in FRAMEWORK_FORMATS:
        raise ExportError(f"format must be one of {', '.join(FRAMEWORK_FORMATS)}")
    buf = io.BytesIO()
    writer = {
        "docx": lambda t, o: framework_docx(t, o, quotes_as=quotes_as),
        "xlsx": framework_xlsx,
        "md": framework_markdown,
        "tex": lambda t, o: framework_latex(t, o, standalone=True),
    }[fmt]
    writer(table, buf)
    return buf.getvalue(), f"{name}.{fmt}", MIME[fmt]
