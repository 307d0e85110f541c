"""A PDF's information dictionary as clean strings and dates.

Values come as text or bytes (UTF-16, UTF-8 or cp1252), padded with spaces or NULs: ``_meta_str``
returns the text or None. ``_clean_title`` drops titles that are a file name or a tool's noise
(``Microsoft Word - report.docx``), ``_pdf_date`` reads ``D:YYYYMMDD...`` as ``YYYY-MM-DD``.
"""

from __future__ import annotations

import re


def _meta_str(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        for enc in ("utf-16", "utf-8", "cp1252"):
            try:
                value = value.decode(enc)
                break
            except UnicodeDecodeError:
                continue
    if not isinstance(value, str):
        value = str(value)
    value = value.strip().strip("\x00")
    return value or None


def _clean_title(title: str | None) -> str | None:
    """Return a usable title from PDF metadata, or None when it is a file name or tool noise."""
    if not title:
        return None
    title = re.sub(r"^(Microsoft (Word|PowerPoint|Excel) - )", "", title).strip()
    title = re.sub(
        r"\.(docx?|pdf|exe|tmp|indd|pptx?|xlsx?|rtf)$", "", title, flags=re.IGNORECASE
    ).strip()
    if len(title) < 3 or re.fullmatch(r"[\w.-]*\d[\w.-]*", title) and " " not in title:
        return None
    return title


def _pdf_date(value) -> str | None:
    value = _meta_str(value)
    if not value:
        return None
    m = re.match(r"(?:D:)?(\d{4})(\d{2})?(\d{2})?", value)
    if not m:
        return None
    year, month, day = m.group(1), m.group(2) or "01", m.group(3) or "01"
    if not ("1900" <= year <= "2100" and "01" <= month <= "12" and "01" <= day <= "31"):
        return None
    return f"{year}-{month}-{day}"
