"""Short recordings of the quotes for the HTML report, cut with ffmpeg only when asked.

One clip per quote of a transcript with a recording and a known time range (the evidence's
``t_start``/``t_end``, the quote's own stretch), each at most MAX_CLIP_SECONDS, at most MAX_CLIPS
clips and MAX_CLIP_BYTES in all; cut into a private temporary folder and embedded in the report,
so nothing is left beside it. A project without recordings (a shareable copy never has any) is
refused with a message, never a report silently without clips.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import sqlite_utils

from interviews import cut_clip, media_for, media_frame
from projectfile import QdaError, private_tempdir

from .errors import ExportError
from .evidence import unique_quotes

MAX_CLIPS = 60
MAX_CLIP_BYTES = 20 * 1024**2
MAX_CLIP_SECONDS = 120.0


@dataclass
class Clips:
    """Clips by coding id (m4a bytes) and what could not be cut, one line each."""

    audio: dict[int, bytes] = field(default_factory=dict)
    left_out: list[str] = field(default_factory=list)


def quote_clips(db: sqlite_utils.Database, df: pd.DataFrame) -> Clips:
    """Return the clips of the quotes in the evidence ``df``; ExportError when the project has no
    recordings at all."""
    if media_frame(db).empty:
        raise ExportError(
            "clips need recordings and this project has none attached (a shareable copy never"
            " carries them): attach a transcript's recording, or make the report without clips"
        )
    clips = Clips()
    quotes = unique_quotes(df)
    timed = quotes[quotes["t_start"].notna() & quotes["t_end"].notna()]
    untimed = len(quotes[quotes["document_kind"] == "interview"]) - len(timed)
    if untimed:
        clips.left_out.append(f"{untimed} transcript quote(s) without a time range: no clip")
    total = 0
    recs: dict[int, object] = {}
    with private_tempdir("clips") as folder:
        for row in timed.itertuples(index=False):
            doc = int(row.document_id)
            if doc not in recs:
                recs[doc] = media_for(db, doc)
            rec = recs[doc]
            source = rec.play_path if rec is not None else None
            if source is None or not source.is_file():
                if rec is not None:
                    clips.left_out.append(
                        f"'{row.document_title}': its recording '{rec.original_name}' is missing"
                    )
                    recs[doc] = None
                continue
            if len(clips.audio) >= MAX_CLIPS or total >= MAX_CLIP_BYTES:
                clips.left_out.append(
                    f"clips stop at {MAX_CLIPS} or {MAX_CLIP_BYTES // 1024**2} MB; the other"
                    " quotes have none"
                )
                break
            t0 = float(row.t_start) + rec.offset_s
            t1 = min(float(row.t_end) + rec.offset_s, t0 + MAX_CLIP_SECONDS)
            try:
                out = cut_clip(source, t0, t1, folder / f"{int(row.coding_id)}.m4a")
            except QdaError as exc:
                clips.left_out.append(f"'{row.document_title}' at {row.time_range}: {exc}")
                continue
            data = out.read_bytes()
            out.unlink()
            clips.audio[int(row.coding_id)] = data
            total += len(data)
    return clips
