"""REFI-QDA export of transcripts with a recording: an ``AudioSource`` (or ``VideoSource``) per
recording, each of its transcripts a ``Transcript`` with ``SyncPoint``s and its span codings as
``TranscriptSelection``s, as the standard defines them.

- A sync point is a character ``position`` in the transcript and a ``timeStamp`` in milliseconds
  of the recording (transcript time + the recording's offset). One is written at every turn's
  start and end that has a time, and at both edges of every span coding (the edge's time from
  ``interviews.span_times``; an edge with no known time gets a sync point without a time stamp).
  A ``TranscriptSelection`` names its two sync points; its characters are their positions.
- The recording itself: ``media="reference"`` (the default) names it ``relative://<name>`` (the
  file stays on this computer: recordings are confidential); ``media="embed"`` puts the file in
  the archive as ``internal://<guid>.<ext>``; ``media="none"`` writes transcripts as plain text
  sources, as before recordings existed.
- GUIDs are uuid5 of stable keys, so two exports of one project stay byte-identical.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import sqlite_utils
from lxml import etree

from coding import CodingScope
from corpus import get_text
from interviews import MediaRow, media_for, span_times, turns_frame

from ..errors import ExportError
from .codings_xml import Note, add_document_coding, add_span_coding
from .elements import Guids, add_el, dt, text_el

MEDIA_MODES = ("none", "reference", "embed")


def check_media_mode(media: str) -> str:
    """Return ``media`` when it is one of MEDIA_MODES; else ExportError."""
    if media not in MEDIA_MODES:
        raise ExportError(f"media must be one of {', '.join(MEDIA_MODES)}, not {media!r}")
    return media


def recordings(db: sqlite_utils.Database, doc_ids: list[int], media: str) -> dict[int, MediaRow]:
    """Return {document id: its recording} for the documents with one (none for 'none')."""
    if check_media_mode(media) == "none":
        return {}
    found = {d: media_for(db, d) for d in doc_ids}
    return {d: m for d, m in found.items() if m is not None}


@dataclass
class MediaExport:
    """What the media sources add to the archive: transcript texts and recordings to embed."""

    files: dict[str, str] = field(default_factory=dict)
    blobs: dict[str, Path] = field(default_factory=dict)


def _ms(seconds, offset: float) -> int | None:
    if seconds is None or pd.isna(seconds):
        return None
    return int(round((float(seconds) + offset) * 1000))


class _SyncPoints:
    """A transcript's sync points, one per character position (the first time given wins)."""

    def __init__(self, g: Guids, doc_id: int):
        self.g, self.doc_id = g, doc_id
        self.points: dict[int, int | None] = {}

    def at(self, position: int, ms: int | None) -> str:
        if self.points.get(position) is None:
            self.points[position] = ms
        return self.guid(position)

    def guid(self, position: int) -> str:
        return self.g("sync", f"{self.doc_id}:{position}")

    def write(self, transcript: etree._Element) -> None:
        for pos in sorted(self.points):
            add_el(
                transcript, "SyncPoint", guid=self.guid(pos), timeStamp=self.points[pos],
                position=pos,
            )  # fmt: skip


def _source_path(rec: MediaRow, guid: str, media: str, export: MediaExport) -> str:
    if media == "embed":
        if rec.path is None or not rec.path.is_file():
            raise ExportError(
                f"the recording '{rec.original_name}' is missing from this computer, so it cannot"
                " be put in the archive: attach it again, or export with the recording referenced"
            )
        name = f"{guid}{rec.path.suffix.lower()}"
        export.blobs[f"sources/{name}"] = rec.path
        return f"internal://{name}"
    return f"relative://{rec.original_name}"


def add_media_sources(
    sources: etree._Element,
    db: sqlite_utils.Database,
    g: Guids,
    docs: pd.DataFrame,
    by_doc: dict[int, pd.DataFrame],
    recs: dict[int, MediaRow],
    refs: dict[tuple[str, int], list[str]],
    notes: list[Note],
    media: str,
) -> MediaExport:
    """Add one audio/video source per recording in ``recs`` with its transcripts (the documents
    of ``docs`` it belongs to); return the files the archive needs."""
    export = MediaExport()
    titles = docs.set_index("id")
    groups: dict[int, list[int]] = {}
    for doc_id in sorted(recs):
        groups.setdefault(recs[doc_id].media_id, []).append(doc_id)
    for doc_ids in groups.values():
        rec = recs[doc_ids[0]]
        guid = media_source_guid(g, rec)
        tag = "VideoSource" if rec.kind == "video" else "AudioSource"
        el = add_el(
            sources, tag, guid=guid, name=rec.original_name,
            path=_source_path(rec, guid, media, export),
        )  # fmt: skip
        whole = []
        for doc_id in doc_ids:
            rows = by_doc.get(doc_id)
            _add_transcript(el, db, g, doc_id, titles.loc[doc_id], rows, rec, refs, notes, export)
            if rows is not None:
                whole += list(rows[rows["scope"] == CodingScope.DOCUMENT].itertuples(index=False))
        for c in whole:
            add_document_coding(el, g, c, notes)
        vv = add_el(el, "VariableValue")
        add_el(vv, "VariableRef", targetGUID=g("variable", "document:kind"))
        text_el(vv, "TextValue", "interview")
    return export


def media_source_guid(g: Guids, rec: MediaRow) -> str:
    """Return the GUID of a recording's source (by its checksum, else its row)."""
    return g("media", rec.sha256 or f"row:{rec.media_id}")


def _add_transcript(
    parent: etree._Element,
    db: sqlite_utils.Database,
    g: Guids,
    doc_id: int,
    doc,
    rows: pd.DataFrame | None,
    rec: MediaRow,
    refs: dict[tuple[str, int], list[str]],
    notes: list[Note],
    export: MediaExport,
) -> None:
    guid = g("document", doc_id)
    export.files[f"sources/{guid}.txt"] = get_text(db, doc_id)
    tr = add_el(
        parent, "Transcript", guid=guid, name=doc.title, plainTextPath=f"internal://{guid}.txt",
        creationDateTime=dt(doc.ingested_at),
    )  # fmt: skip
    text_el(tr, "Description", doc.source_name)
    offset = float(rec.offset_s or 0.0)
    sync = _SyncPoints(g, doc_id)
    for t in turns_frame(db, [doc_id]).itertuples(index=False):
        if t.t_start is not None and not pd.isna(t.t_start):
            sync.at(int(t.char_start), _ms(t.t_start, offset))
            if t.t_end is not None and not pd.isna(t.t_end):
                sync.at(int(t.char_end), _ms(t.t_end, offset))
    spans = pd.DataFrame() if rows is None else rows[rows["scope"] == CodingScope.SPAN]
    edges = []
    if not spans.empty:
        times = span_times(db, spans.assign(document_id=doc_id))
        for c, t0, t1 in zip(spans.itertuples(index=False), times["t_from"], times["t_to"]):
            edges.append(
                (
                    c,
                    sync.at(int(c.char_start), _ms(t0, offset)),
                    sync.at(int(c.char_end), _ms(t1, offset)),
                )
            )
    sync.write(tr)
    for c, start, end in edges:
        add_span_coding(
            tr, g, c, refs, notes, "TranscriptSelection", fromSyncPoint=start, toSyncPoint=end
        )
    for ref in refs.get(("document", doc_id), []):
        add_el(tr, "NoteRef", targetGUID=ref)
