"""Readable tables for the pages: one formatter for every frame a person reads.

Dates as dates ('2026-11-26 00:48', local time, no ISO 'T' or time zone), empty values blank (not
'None' or 'nan'), no 'pages 0' for documents without pages, no raw hex colour columns, page lists
in words ('page 8', '3 pages: 4, 8, 9'), long text wrapped (``show_wrapped``).
"""

from __future__ import annotations

import re
from datetime import datetime

import pandas as pd
import streamlit as st

DATE_NAMES = ("at", "date", "created", "updated", "written", "last", "when", "ingested")
PAGE_COLUMNS = ("pages", "page_count", "page")
COLOR_COLUMNS = ("color", "colour")
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$")
_PAGE_LIST = re.compile(r"^(?P<what>.*?\bpages\b.*?):\s*(?P<nums>\d[\d,\s\-–]*)$")


def page_list(numbers) -> str:
    """Return 'page 8', '3 pages: 4, 8, 9' (ranges spelt out up to 12 pages, else '4-20')."""
    nums: list[int] = []
    if isinstance(numbers, str):
        for part in re.split(r"\s*,\s*", numbers.strip()):
            bounds = re.split(r"\s*[-–]\s*", part)
            if len(bounds) == 2 and all(b.isdigit() for b in bounds):
                nums += list(range(int(bounds[0]), int(bounds[1]) + 1))
            elif part.isdigit():
                nums.append(int(part))
    else:
        nums = [int(n) for n in numbers]
    nums = sorted(set(nums))
    if not nums:
        return ""
    if len(nums) == 1:
        return f"page {nums[0]}"
    if len(nums) <= 12:
        return f"{len(nums)} pages: {', '.join(map(str, nums))}"
    return f"{len(nums)} pages: {_ranges(nums)}"


def _ranges(nums: list[int]) -> str:
    out, start, prev = [], nums[0], nums[0]
    for n in nums[1:] + [None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        out.append(str(start) if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(out)


def readable_warning(text) -> str:
    """Return a stored warning with its page list in words: 'pages without a text layer (OCR
    needed): 8' -> 'without a text layer (OCR needed) — page 8'."""
    if not isinstance(text, str):
        return "" if _blank(text) else str(text)
    parts = []
    for piece in text.split("; "):
        m = _PAGE_LIST.match(piece.strip())
        if m:
            what = re.sub(r"\bpages\b\s*", "", m.group("what"), count=1).strip()
            piece = f"{what} — {page_list(m.group('nums'))}" if what else page_list(m["nums"])
        parts.append(piece)
    return "; ".join(parts)


def _blank(value) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def readable_date(value) -> str:
    """Return '2026-11-26 00:48' (local time) for an ISO timestamp, '2021-03-04' for a date, ''
    for nothing; other text unchanged."""
    if _blank(value):
        return ""
    if isinstance(value, (pd.Timestamp, datetime)):
        ts = pd.Timestamp(value)
    else:
        text = str(value).strip()
        if not _ISO.match(text):
            return text
        if len(text) == 10:
            return text
        ts = pd.Timestamp(text)
    if ts.tzinfo is not None:
        ts = ts.tz_convert(datetime.now().astimezone().tzinfo).tz_localize(None)
    return ts.strftime("%Y-%m-%d %H:%M")


def _is_date_column(name: str, col: pd.Series) -> bool:
    words = re.split(r"[_\s]+", str(name).lower())
    if not any(w in DATE_NAMES for w in words):
        return False
    sample = col.dropna().head(20)
    return len(sample) > 0 and all(
        isinstance(v, (pd.Timestamp, datetime)) or bool(_ISO.match(str(v).strip())) for v in sample
    )


def readable(df: pd.DataFrame, keep_colors: bool = False) -> pd.DataFrame:
    """Return a copy of ``df`` for reading: dates as dates, blanks blank, no 'pages 0', no hex
    colour columns (unless ``keep_colors``), warnings with page lists in words."""
    out = df.copy()
    for name in list(out.columns):
        col = out[name]
        lname = str(name).lower()
        if lname in COLOR_COLUMNS and not keep_colors:
            if col.dropna().astype(str).map(lambda v: bool(_HEX.match(v))).all():
                out = out.drop(columns=[name])
                continue
        if lname in PAGE_COLUMNS and pd.api.types.is_numeric_dtype(col):
            out[name] = col.map(lambda v: "" if _blank(v) or int(v) == 0 else str(int(v)))
            continue
        if lname in ("warnings", "reason", "warning"):
            out[name] = col.map(_warnings_text)
            continue
        textual = col.dtype == object or pd.api.types.is_string_dtype(col)
        if textual and _is_date_column(name, col):
            out[name] = col.map(readable_date)
            continue
        if pd.api.types.is_datetime64_any_dtype(col):
            out[name] = col.map(readable_date)
            continue
        if textual:
            out[name] = col.map(lambda v: "" if _blank(v) else v).astype(object)
        elif pd.api.types.is_float_dtype(col) and col.isna().any():
            out[name] = col.map(lambda v: "" if _blank(v) else (int(v) if v == int(v) else v))
    return out


def _warnings_text(value) -> str:
    if isinstance(value, (list, tuple)):
        return "; ".join(readable_warning(v) for v in value)
    if isinstance(value, str) and value.startswith("["):
        try:
            import json

            items = json.loads(value)
            if isinstance(items, list):
                return "; ".join(readable_warning(v) for v in items)
        except ValueError:
            pass
    return readable_warning(value)


def show(df: pd.DataFrame, keep_colors: bool = False, **kwargs) -> None:
    """Show ``df`` as a readable interactive table (st.dataframe, no index, full width)."""
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("width", "stretch")
    st.dataframe(readable(df, keep_colors=keep_colors), **kwargs)


def show_wrapped(df: pd.DataFrame, limit: int = 200) -> None:
    """Show ``df`` as a static table whose long text wraps (st.table), the first ``limit``
    rows."""
    shown = readable(df).head(limit).reset_index(drop=True)
    shown.index = shown.index + 1
    st.table(shown)
    if len(df) > limit:
        st.caption(f"The first {limit} of {len(df)} rows.")
