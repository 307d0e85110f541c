"""DOCX transcripts: paragraphs with speaker labels (bold or not, Otter-style too) and tables."""

from __future__ import annotations

import io

from corpus import check_zip, normalize_text

from .model import ParseError, Transcript, Turn, merge_turns, parse_time

_HEADER_WORDS = {
    "speaker",
    "hablante",
    "name",
    "nombre",
    "text",
    "texto",
    "time",
    "tiempo",
    "timestamp",
    "transcript",
    "transcripción",
    "participante",
    "participant",
    "intervención",
}


def docx_blocks(data: bytes, name: str) -> tuple[list[str], list[list[list[str]]]]:
    """Return (paragraph lines, tables as rows of cell texts) of a DOCX, paragraphs in order."""
    check_zip(data, name)
    try:
        import docx  # python-docx

        d = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds for a damaged file
        raise ParseError(
            name, f"not a readable DOCX file ({type(exc).__name__})", code="corrupt"
        ) from exc
    lines = [_paragraph_line(p) for p in d.paragraphs]
    tables = []
    for t in d.tables:
        rows = []
        for r in t.rows:
            cells = []
            for c in r.cells:
                txt = normalize_text(c.text).strip()
                if not cells or txt != cells[-1] or not txt:  # merged cells repeat their text
                    cells.append(txt)
            rows.append(cells)
        tables.append(rows)
    return lines, tables


def _paragraph_line(p) -> str:
    """Return the paragraph text; a bold opening run without a colon becomes ``Label: text``."""
    text = normalize_text(p.text)
    runs = [r for r in p.runs if r.text]
    if len(runs) >= 2 and runs[0].bold:
        bold = ""
        for r in runs:
            if not r.bold:
                break
            bold += r.text
        rest = text[len(bold) :]
        label = bold.strip()
        if (
            label
            and not label.endswith(":")
            and len(label) <= 40
            and rest.strip()
            and not rest.lstrip().startswith(":")
        ):
            return f"{label}: {rest.strip()}"
    return text


def table_transcript(tables: list[list[list[str]]], name: str) -> Transcript | None:
    """Return turns of two-column (speaker | text) or three-column (time | speaker | text) tables,
    else None."""
    turns: list[Turn] = []
    for table in tables:
        width = max((len(r) for r in table), default=0)
        if width not in (2, 3):
            continue
        for i, row in enumerate(table, start=1):
            row = row + [""] * (width - len(row))
            if i == 1 and all(c.strip().lower() in _HEADER_WORDS for c in row if c.strip()):
                continue
            ts = None
            if width == 3:
                ts = parse_time(row[0])
                speaker, text = row[1], row[2]
                if ts is None and parse_time(row[1]) is not None:  # speaker | time | text
                    speaker, ts, text = row[0], parse_time(row[1]), row[2]
            else:
                speaker, text = row
            speaker = " ".join(speaker.rstrip(":").split())
            if not text.strip():
                continue
            if len(speaker) > 60:
                return None  # not a speaker column
            turns.append(Turn(speaker=speaker or None, text=text.strip(), start=ts, line=i))
    if len(turns) < 2:
        return None
    tr = Transcript(name=name, format="docx-table")
    for t in turns:
        if t.speaker:
            tr.label_counts[t.speaker] += 1
    tr.turns = merge_turns(turns)
    return tr
