"""Codebook as CSV: columns path, name, definition, color (plus inclusion, exclusion, example when
present)."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import sqlite_utils

from projectfile import frame_to_csv, restore_cell, transaction, writes

from .code_counts import codes_frame
from .code_names import join_code_path, split_code_path
from .codebook import update_code
from .codes import check_color, ensure_code_path
from .history import CodingError

CSV_COLUMNS = ["path", "name", "definition", "color", "inclusion", "exclusion", "example"]


def codebook_csv(db: sqlite_utils.Database) -> str:
    """Return the active codebook as CSV text (tree order)."""
    return frame_to_csv(codes_frame(db)[CSV_COLUMNS], lineterminator="\n")


def export_codebook_csv(db: sqlite_utils.Database, path: str | os.PathLike) -> int:
    """Write the codebook CSV to ``path``; return the number of codes."""
    df = codes_frame(db)
    Path(path).write_text(frame_to_csv(df[CSV_COLUMNS], lineterminator="\n"), encoding="utf-8")
    return len(df)


def parse_codebook_csv(text: str, filename: str = "codebook.csv") -> list[dict]:
    """Return rows {path, definition, color, ...} from CSV text; raise CodingError naming the file
    and line."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    fields = [f.strip().lower() for f in (reader.fieldnames or [])]
    if "path" not in fields and "name" not in fields:
        raise CodingError(
            f"{filename}: needs a 'path' or 'name' column (found: {', '.join(fields) or 'nothing'})"
        )
    rows = []
    for lineno, raw in enumerate(reader, start=2):
        r = {
            (k or "").strip().lower(): restore_cell((v or "").strip()) for k, v in raw.items() if k
        }
        path = r.get("path") or r.get("name")
        if not path:
            raise CodingError(f"{filename}, line {lineno}: no path or name")
        try:
            path = join_code_path(split_code_path(path))
            if r.get("color"):
                r["color"] = check_color(r["color"])
        except CodingError as exc:
            raise CodingError(f"{filename}, line {lineno}: {exc}") from None
        r["path"] = path
        rows.append(r)
    return rows


@writes("codebook")
def import_codebook_csv(
    db: sqlite_utils.Database, path: str | os.PathLike, coder: str = "default"
) -> int:
    """Create or update codes from a codebook CSV in one transaction; return the number of rows
    applied."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_text(encoding="cp1252", errors="replace")
    rows = parse_codebook_csv(text, path.name)
    with transaction(db):
        for r in rows:
            code_id = ensure_code_path(db, r["path"], coder=coder, color=r.get("color") or None)
            fields = {
                k: r[k]
                for k in ("definition", "color", "inclusion", "exclusion", "example")
                if r.get(k)
            }
            if fields:
                update_code(db, code_id, coder, **fields)
    return len(rows)
