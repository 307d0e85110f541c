"""A REFI-QDA transcript (text + sync points) as an interview transcript: its text exactly as the
file gives it (so every selection lands where it did), turns with times from the sync points.

- Text in our own shape (``Speaker [00:01:02]: words``, as our export writes it, or any labelled
  text that reads back the same): the labelled turns, each timed by the sync points at its start
  and end (to the millisecond), else by its label (whole seconds).
- Any other text (another tool's transcript, sync points where its codings begin and end): one
  turn per stretch between timed sync points, with no speaker, from one sync point's time to the
  next one's.
"""

from __future__ import annotations

from corpus import (
    Document,
    DocumentKind,
    ParseError,
    Segment,
    detect_language,
    language_bucket,
    sha256_bytes,
)
from interviews import Transcript, parse_transcript, transcript_to_document

from .model import RefiSource


def _labelled(src: RefiSource) -> tuple[Transcript, Document] | None:
    """Return the transcript and document when the text reads back exactly as labelled turns."""
    try:
        tr = parse_transcript(f"{src.name}.txt", data=src.text.encode("utf-8"))
    except ParseError:
        return None
    if tr.format == "plain" or not tr.turns:
        return None
    doc = transcript_to_document(tr, title=src.name)
    if doc.text != src.text:
        return None
    at = dict(src.sync_points or [])
    for seg in doc.segments:
        start = at.get(seg.start, at.get(seg.data["label_start"]))
        if start is not None:
            seg.data["t_start"] = start / 1000
        if seg.end in at and at[seg.end] / 1000 >= (seg.data["t_start"] or 0):
            seg.data["t_end"] = at[seg.end] / 1000
    return tr, doc


def _stretches(src: RefiSource) -> list[Segment]:
    """Return one turn segment per stretch of text between timed sync points."""
    text, points = src.text, sorted(src.sync_points or [])
    bounds: list[tuple[int, float | None]] = [(0, None)]
    for pos, ms in points:
        if pos == bounds[-1][0]:
            bounds[-1] = (pos, ms / 1000)
        elif pos < len(text):
            bounds.append((pos, ms / 1000))
    segments = []
    for i, (pos, t0) in enumerate(bounds):
        end = bounds[i + 1][0] if i + 1 < len(bounds) else len(text)
        t1 = bounds[i + 1][1] if i + 1 < len(bounds) else None
        piece = text[pos:end]
        start, stop = pos + len(piece) - len(piece.lstrip()), pos + len(piece.rstrip())
        if stop <= start:
            continue
        segments.append(
            Segment(
                start=start,
                end=stop,
                kind="turn",
                data={
                    "turn_no": len(segments) + 1,
                    "speaker": None,
                    "t_start": t0,
                    "t_end": t1 if t1 is not None and (t0 is None or t1 >= t0) else None,
                    "label_start": start,
                    "language": None,
                    "line": text.count("\n", 0, start) + 1,
                },
            )
        )
    return segments


def transcript_document(src: RefiSource, label: str) -> tuple[Transcript, Document]:
    """Return the transcript (its speakers) and the document (text as given, turn segments) to
    store for a media source's transcript ``src`` from the file ``label``."""
    found = _labelled(src)
    if found is not None:
        tr, doc = found
        fmt = "refi-labels"
    else:
        tr = Transcript(f"{src.name}.txt", "refi")
        doc = Document(text=src.text, title=src.name, source_name="", segments=_stretches(src))
        doc.language = (
            language_bucket(detect_language(src.text[:5000])) if src.text.strip() else None
        )
        fmt = "refi"
    data = src.text.encode("utf-8")
    doc.title = src.name
    doc.source_name = f"{label}/{src.name}"
    doc.kind = DocumentKind.INTERVIEW
    doc.file_type = "txt"
    doc.sha256 = sha256_bytes(data)
    doc.size = len(data)
    doc.metadata = {
        "imported_from": label,
        "refi_guid": src.guid,
        "positions": src.reading,
        "transcript_format": fmt,
    }
    tr.format = fmt
    return tr, doc
