"""Writers of tabular exports: CSV, XLSX, Markdown and LaTeX for evidence tables and other frames.

Every writer takes a DataFrame and ``out`` (a path or a binary file object such as BytesIO) and
returns ``out``.  Quotes are written character for character; the exceptions are XLSX, whose
cells hold at most 32,767 characters (longer cells end with ``XLSX_TRUNCATED`` and are counted in a
note), and CSV, where a cell a spreadsheet would run as a formula starts with ``'`` unless the
caller asks for ``raw`` text.  XLSX cells are always written as strings, never formulas.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from projectfile import frame_to_csv, private_tempdir

from .evidence import unique_quotes

Out = str | os.PathLike | BinaryIO
XLSX_CELL_LIMIT = 32_767
XLSX_TRUNCATED = " […truncated: Excel cells hold at most 32,767 characters]"
WRAPPED_COLUMNS = ("quote", "context", "memo", "definition", "inclusion", "exclusion", "example")
WIDE = 80


def _open(out: Out, mode: str = "wb"):
    if isinstance(out, (str, os.PathLike)):
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        return open(out, mode)
    return _Borrowed(out)


class _Borrowed:
    """A caller's file object used as a context manager without closing it."""

    def __init__(self, fh):
        self.fh = fh

    def __enter__(self):
        return self.fh

    def __exit__(self, *exc):
        return False


def _cell(value):
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return value.item() if hasattr(value, "item") and not isinstance(value, str) else value


def frame_csv(df: pd.DataFrame, out: Out, bom: bool = False, raw: bool = False) -> Out:
    """Write ``df`` as UTF-8 CSV (with a byte-order mark for Excel when ``bom``); return ``out``.

    Cells that Excel or LibreOffice would run as formulas get a leading ``'``
    (``neutralise_formulas``) unless ``raw`` (the text exactly as coded, for scripts).
    """
    text = frame_to_csv(df, raw=raw, lineterminator="\r\n")
    data = text.encode("utf-8-sig" if bom else "utf-8")
    with _open(out) as fh:
        fh.write(data)
    return out


evidence_csv = frame_csv


def sheet_name(name: str, used: set[str]) -> str:
    """Return an Excel-legal, unique sheet name (31 characters, no []:*?/\\) and remember it in
    ``used``."""
    base = re.sub(r"[\[\]:*?/\\]", "_", str(name)).strip("'") or "Sheet"
    base = base[:31]
    candidate, n = base, 2
    while candidate.lower() in {u.lower() for u in used}:
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(candidate)
    return candidate


def _widths(df: pd.DataFrame) -> list[int]:
    widths = []
    for col in df.columns:
        if col in WRAPPED_COLUMNS:
            widths.append(WIDE)
            continue
        sample = df[col].head(500).map(lambda v: len(str(_cell(v))))
        longest = max([len(str(col)), *sample.tolist()]) if len(sample) else len(str(col))
        widths.append(min(max(longest + 2, 8), 40))
    return widths


def _write_sheet(workbook, name: str, df: pd.DataFrame, formats: dict) -> int:
    """Write one frame as a sheet with a frozen bold header, widths and wrapped long-text
    columns."""
    ws = workbook.add_worksheet(name)
    truncated = 0
    for c, (col, width) in enumerate(zip(df.columns, _widths(df))):
        ws.set_column(c, c, width, formats["wrap"] if col in WRAPPED_COLUMNS else None)
    ws.freeze_panes(1, 0)
    ws.write_row(0, 0, [str(c) for c in df.columns], formats["header"])
    if len(df.columns):
        ws.autofilter(0, 0, max(len(df), 1), len(df.columns) - 1)
    wrap_cols = {i for i, c in enumerate(df.columns) if c in WRAPPED_COLUMNS}
    for r, row in enumerate(df.itertuples(index=False, name=None), start=1):
        for c, value in enumerate(row):
            value = _cell(value)
            if isinstance(value, str):
                if len(value) > XLSX_CELL_LIMIT:
                    value = value[: XLSX_CELL_LIMIT - len(XLSX_TRUNCATED)] + XLSX_TRUNCATED
                    truncated += 1
                # write_string: a quote starting with '=' stays text, never a formula
                ws.write_string(r, c, value, formats["wrap"] if c in wrap_cols else None)
            elif value == "":
                continue
            elif isinstance(value, bool):
                ws.write_boolean(r, c, value)
            elif isinstance(value, (int, float)):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, str(value))
    return truncated


def frame_xlsx(
    sheets: dict[str, pd.DataFrame] | pd.DataFrame, out: Out, codebook: pd.DataFrame | None = None
) -> Out:
    """Write one sheet per frame (frozen header, widths, wrapped text columns) plus an optional
    codebook sheet."""
    import xlsxwriter

    if isinstance(sheets, pd.DataFrame):
        sheets = {"Sheet1": sheets}
    buffer = io.BytesIO()
    with private_tempdir("xlsx") as tmp:  # xlsxwriter's worksheet files hold every quote
        workbook = xlsxwriter.Workbook(
            buffer,
            {
                "constant_memory": True,
                "tmpdir": str(tmp),
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        _fill_workbook(workbook, sheets, codebook)
    with _open(out) as fh:
        fh.write(buffer.getvalue())
    return out


def _fill_workbook(workbook, sheets: dict[str, pd.DataFrame], codebook) -> None:
    formats = {
        "wrap": workbook.add_format({"text_wrap": True, "valign": "top"}),
        "header": workbook.add_format({"bold": True, "bottom": 1, "bg_color": "#EEEEEE"}),
    }
    used: set[str] = set()
    truncated = 0
    for name, df in sheets.items():
        truncated += _write_sheet(workbook, sheet_name(name, used), df, formats)
    if codebook is not None:
        truncated += _write_sheet(workbook, sheet_name("Codebook", used), codebook, formats)
    if truncated:
        note = workbook.add_worksheet(sheet_name("Notes", used))
        note.write_string(
            0, 0, f"{truncated} cells were longer than Excel allows and were truncated."
        )
    workbook.close()


def evidence_xlsx(
    df: pd.DataFrame, out: Out, sheet_per_code: bool = False, codebook: pd.DataFrame | None = None
) -> Out:
    """Write the evidence table as XLSX: one 'Evidence' sheet, or one sheet per code path; return
    ``out``."""
    if sheet_per_code and not df.empty:
        sheets = {path: part for path, part in df.groupby("code_path", sort=False)}
    else:
        sheets = {"Evidence": df}
    return frame_xlsx(sheets, out, codebook=codebook)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def markdown_escape(text: str) -> str:
    """Return ``text`` with Markdown's special characters backslash-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def markdown_unescape(text: str) -> str:
    """Undo ``markdown_escape``."""
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>~])", r"\1", text)


def _group_key(value) -> str:
    return (
        "No case" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    )


def evidence_markdown(df: pd.DataFrame, out: Out, title: str = "Evidence") -> Out:
    """Write the evidence as Markdown: '## code', '### case', quotes as block quotes with
    citations."""
    df = unique_quotes(df)
    lines = [f"# {markdown_escape(title)}", ""]
    for path, by_code in df.groupby("code_path", sort=False):
        lines += [f"## {markdown_escape(path)}", ""]
        for case, rows in by_code.groupby(by_code["case_name"].map(_group_key), sort=False):
            lines += [f"### {markdown_escape(case)}", ""]
            for quote, cite, memo in rows[["quote", "citation", "memo"]].itertuples(index=False):
                for line in str(quote).split("\n"):
                    lines.append(f"> {markdown_escape(line)}" if line else ">")
                lines += [">", f"> — {markdown_escape(cite)}", ""]
                if isinstance(memo, str) and memo:
                    lines += [f"*Memo:* {markdown_escape(memo)}", ""]
    with _open(out) as fh:
        fh.write("\n".join(lines).encode("utf-8"))
    return out


_LATEX = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    # a cell starting with '[' would be read as the optional argument of the previous row's \\
    "[": "{[}",
    "]": "{]}",
}
_LATEX_RE = re.compile("|".join(re.escape(k) for k in _LATEX))


def latex_escape(text: str) -> str:
    """Return ``text`` with LaTeX's special characters escaped and line breaks as \\newline."""
    escaped = _LATEX_RE.sub(lambda m: _LATEX[m.group(0)], str(text))
    return escaped.replace("\n", r"\newline ")


def evidence_latex(
    df: pd.DataFrame, out: Out, standalone: bool = False, caption: str = "Coded evidence"
) -> Out:
    """Write the evidence as a booktabs ``longtable`` (code, source, quote, citation); a full
    document when ``standalone``.

    The fragment needs ``\\usepackage{booktabs,longtable}``; the standalone document uses fontspec
    (XeLaTeX or LuaLaTeX) so accented text and emoji need no further set-up."""
    df = unique_quotes(df)
    rows = []
    for path, case, quote, cite in df[["code_path", "case_name", "quote", "citation"]].itertuples(
        index=False
    ):
        rows.append(
            f"{latex_escape(path)} & {latex_escape(_group_key(case))} & {latex_escape(quote)} & "
            f"{latex_escape(cite)} \\\\"
        )
    head = r"\textbf{Code} & \textbf{Case} & \textbf{Quote} & \textbf{Citation} \\"
    body = [
        r"\begin{longtable}{@{}p{0.18\linewidth}p{0.14\linewidth}p{0.46\linewidth}p{0.16\linewidth}@{}}",
        rf"\caption{{{latex_escape(caption)}}}\\",
        r"\toprule",
        head,
        r"\midrule",
        r"\endfirsthead",
        r"\toprule",
        head,
        r"\midrule",
        r"\endhead",
        r"\bottomrule",
        r"\endfoot",
        *rows,
        r"\end{longtable}",
    ]
    if standalone:
        body = [
            r"\documentclass{article}",
            r"\usepackage{fontspec}",
            r"\usepackage{booktabs}",
            r"\usepackage{longtable}",
            r"\begin{document}",
            *body,
            r"\end{document}",
        ]
    with _open(out) as fh:
        fh.write(("\n".join(body) + "\n").encode("utf-8"))
    return out
