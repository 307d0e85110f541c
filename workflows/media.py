"""Use cases "attach a recording to a transcript", "detach it", "check the recordings" and
"this turn starts here", called alike by the CLI (``interviews media ...``, ``interviews align``)
and the app.

The work is done by ``interviews`` (check, copy beside the project, listening copy, peaks, one
row); this adds the audit-log row (``coding.record_event``) and the plain report. Without ffmpeg
``media_capabilities`` says what cannot be done and attaching is refused with how to install it.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import sqlite_utils

from coding import record_event
from interviews import (
    MediaError,
    MediaRow,
    TurnTime,
    attach_media_file,
    check_media,
    detach_media,
    format_time,
    media_for,
    media_status,
    probe,
    remove_unused_media,
    require_tools,
    set_turn_time,
    stt_unavailable_reason,
    tools,
)
from projectfile import Progress


@dataclass
class MediaReport:
    """What an attach did: the recording as stored and how long it took."""

    document_id: int
    media: MediaRow
    seconds: float

    def summary(self) -> str:
        m = self.media
        length = format_time(m.duration_s or 0)
        return (
            f"attached {m.original_name} ({m.kind}, {m.codec}, {length}) to document"
            f" {self.document_id}; kept in {m.path.parent.name if m.path else '?'}"
            f" beside the project"
        )


def attach_media(
    db: sqlite_utils.Database,
    document_id: int,
    path: str | os.PathLike,
    by: str = "",
    progress: Progress | None = None,
    original_name: str | None = None,
) -> MediaReport:
    """Attach the recording at ``path`` to transcript ``document_id`` and log it; return what
    was stored. Nothing is stored when it fails (see ``interviews.attach_media_file``)."""
    t0 = time.perf_counter()
    row = attach_media_file(db, document_id, path, by, progress, original_name=original_name)
    record_event(
        db,
        by,
        "attach recording",
        "document",
        int(document_id),
        {"media_id": row.media_id, "name": row.original_name, "sha256": row.sha256},
    )
    return MediaReport(int(document_id), row, time.perf_counter() - t0)


def check_recording(path: str | os.PathLike) -> None:
    """Refuse, before anything is stored, a recording that could not be attached: no ffmpeg
    (MediaToolsMissing), not a recording, no sound, truncated, too long or large (MediaError,
    LimitExceeded), each naming the file."""
    require_tools("attach a recording")
    check_media(probe(path), path)


def attach_to_imported(
    db: sqlite_utils.Database,
    outcomes: list,
    path: str | os.PathLike,
    by: str = "",
    progress: Progress | None = None,
) -> MediaReport:
    """Attach the recording at ``path`` to the one transcript an import just stored (or found
    already stored: a duplicate); MediaError when the import did not give exactly one."""
    docs = [int(o.document_id) for o in outcomes if o.document_id is not None]
    if len(docs) != 1:
        raise MediaError(
            f"{Path(path).name}: a recording is attached to one transcript, and this import gave"
            f" {len(docs)}; import the transcript alone, or use `interviews media attach`"
        )
    return attach_media(db, docs[0], path, by, progress)


def detach_recording(db: sqlite_utils.Database, document_id: int, by: str = "") -> list[Path]:
    """Detach the recording of transcript ``document_id`` (and delete the copies beside the
    project when no other transcript uses them); return the files removed. NotFound-like
    ``MediaError`` when it has none."""

    media_id = detach_media(db, document_id)
    if media_id is None:
        raise MediaError(f"document {document_id} has no recording attached")
    removed = remove_unused_media(db)
    record_event(db, by, "detach recording", "document", int(document_id), {"media_id": media_id})
    return removed


def check_recordings(db: sqlite_utils.Database, deep: bool = False) -> pd.DataFrame:
    """Return each recording's status (ok / missing / changed) and why (``media_status``)."""
    return media_status(db, deep=deep)


def align_turn(
    db: sqlite_utils.Database, document_id: int, turn_no: int, t_start: float, by: str = ""
) -> TurnTime:
    """ "This turn starts here": store ``t_start`` as turn ``turn_no``'s start (checked against
    the recording's length when one is attached) and log it; return the times before and
    after."""
    media = media_for(db, document_id)
    duration = media.duration_s if media is not None else None
    done = set_turn_time(db, document_id, turn_no, t_start, duration_s=duration)
    record_event(
        db,
        by,
        "set turn time",
        "document",
        int(document_id),
        {"turn": int(turn_no), "before": list(done.before), "after": list(done.after)},
    )
    return done


def media_capabilities() -> list[str]:
    """Return what cannot be done on this computer for want of ffmpeg or of the speech-to-text
    packages (empty when all can)."""
    found = tools()
    notes = [] if stt_unavailable_reason() is None else [stt_unavailable_reason()]
    if found.available:
        return notes
    missing = " and ".join(found.missing())
    return [
        f"{missing} not installed (Debian package `ffmpeg`): recordings cannot be attached,"
        " checked for length or damage, drawn as a waveform, cut into clips for a report, or"
        " transcribed; transcripts, coding and recordings attached before still work"
    ] + notes
