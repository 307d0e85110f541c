"""Use case "transcribe a recording": speech to text, offline, into a new transcript with turns,
their times and the words' times, the recording attached to it. Called alike by the CLI
(``interviews transcribe DOC`` / ``--media FILE``) and the app.

From a transcript (``document_id``): its attached recording is transcribed into a new transcript
beside it ("<title> (speech to text)", same recording), never into a version of the typed one (a
draft must not move a coder's codings). From a file (``media_path``): the recording is checked
before the model starts, transcribed, stored, then attached; a failed attach removes the new
transcript, so nothing is half-stored. The audit log records who transcribed what with which
model and language, never the words.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from coding import record_event
from corpus import delete_document, get_document
from interviews import (
    MediaError,
    MediaRow,
    SttResult,
    format_time,
    link_media,
    media_for,
    speech_to_text,
    store_transcript,
    stt_transcript,
)
from projectfile import Progress

from .media import attach_media
from .versions import follow_versions


@dataclass
class TranscribeReport:
    """What a transcription stored: the new transcript, what the model heard, the recording."""

    document_id: int
    result: SttResult
    media: MediaRow | None
    turns: int

    def summary(self) -> str:
        r = self.result
        return (
            f"transcribed {r.name} ({format_time(r.duration_s)}, language {r.language or '?'})"
            f" into document {self.document_id}: {self.turns} turns, {r.words()} words in"
            f" {r.seconds:.0f} s (real-time factor {r.realtime_factor:.2f}); a draft without"
            " speakers, to check against the recording"
        )


def _recording_of(db: sqlite_utils.Database, document_id: int) -> tuple[MediaRow, Path]:
    get_document(db, int(document_id))  # NotFound for no such document
    media = media_for(db, document_id)
    if media is None:
        raise MediaError(
            f"document {document_id} has no recording attached; attach one (`interviews media"
            " attach`) or transcribe a file (`interviews transcribe --media FILE`)"
        )
    for path in (media.path, media.listening_path):
        if path is not None and path.is_file():
            return media, path
    raise MediaError(
        f"document {document_id}: its recording {media.original_name} is missing from the"
        " folder beside the project (`interviews media check`)"
    )


def transcribe_recording(
    db: sqlite_utils.Database,
    document_id: int | None = None,
    media_path: str | os.PathLike | None = None,
    language: str = "auto",
    by: str = "",
    progress: Progress | None = None,
) -> TranscribeReport:
    """Transcribe the recording of transcript ``document_id``, or the file ``media_path``, into
    a new transcript (turns timed, words in ``word_times``, ``time_source`` 'stt') with the
    recording attached; return what was stored. ``language``: 'en', 'es' or 'auto'.

    Raises what ``interviews.speech_to_text`` raises (no ffmpeg, not a recording, no model,
    over time or memory), MediaError for a transcript without a playable recording, and
    DuplicateDocument when the same words were stored before."""
    if (document_id is None) == (media_path is None):
        raise ValueError("give a transcript with a recording or a recording file, not both")
    media = None
    if document_id is not None:
        media, source = _recording_of(db, int(document_id))
        title = f"{get_document(db, int(document_id))['title']} (speech to text)"
        name = media.original_name
    else:
        source = Path(media_path)
        name = source.name
        title = f"{source.stem} (speech to text)"
    result = speech_to_text(source, language, progress)
    result.name = name
    tr = stt_transcript(result)
    new_id = store_transcript(db, tr, title=title, time_source="stt")
    try:
        if media is not None:
            link_media(db, new_id, media.media_id, by, media.offset_s)
            row = media_for(db, new_id)
        else:
            row = attach_media(db, new_id, source, by, progress).media
    except BaseException:
        delete_document(db, new_id)
        raise
    record_event(
        db,
        by,
        "transcribe recording",
        "document",
        new_id,
        {
            "from_document": document_id,
            "media_id": row.media_id if row else None,
            "model": "whisper-base",
            "language": result.language,
            "seconds": round(result.seconds, 1),
        },
    )
    follow_versions(db, [new_id], coder=by or "system")
    return TranscribeReport(new_id, result, row, len(tr.turns))
