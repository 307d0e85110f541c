"""Reading REFI-QDA ``AudioSource``/``VideoSource`` elements: each ``Transcript`` becomes an
interview source with its sync points and its ``TranscriptSelection`` codings; the recording is
noted (embedded in the archive, or referenced by path) for ``refi.store`` to attach.

The standard ties a transcript selection to two ``SyncPoint``s, each a character ``position`` in
the transcript and a ``timeStamp`` in milliseconds; a selection's characters are its sync points'
positions (converted like text selections, ``positions.convert_positions``). ``AudioSelection``s
and ``VideoSelection``s (a stretch of time with no words) are listed as not imported.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from .model import RefiMedia, RefiProject, RefiSource, guid_of
from .positions import convert_points, convert_positions
from .safezip import local
from .sources import (
    SourceReader,
    add_selections,
    codings_of,
    kids,
    note_refs,
    read_variables,
)


def _int(value: str | None) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _media(reader: SourceReader, el: Element, kind: str, name: str, guid: str) -> RefiMedia:
    path = (el.get("path") or el.get("currentPath") or "").strip()
    entry = None
    if path.lower().startswith("internal://") and reader.archive is not None:
        entry = reader.archive.find("sources/" + path[len("internal://") :])
    return RefiMedia(guid, kind, name, path, entry)


def parse_media_source(
    reader: SourceReader, el: Element, project: RefiProject, variables: dict[str, tuple[str, str]]
) -> list[RefiSource]:
    """Return the transcripts of an audio or video source as interview sources (none when it has
    no transcript: the recording alone is listed as not imported)."""
    tag = local(el.tag)
    kind = "video" if tag == "VideoSource" else "audio"
    guid = guid_of(el.get("guid"))
    name = el.get("name") or guid
    media = _media(reader, el, kind, name, guid)
    timed = kids(el, "AudioSelection") + kids(el, "VideoSelection")
    if timed:
        project.skipped.append(
            f"{kind} source '{name}': {len(timed)} {kind} selection(s) (a stretch of the"
            " recording, no transcript words) not imported"
        )
    transcripts = kids(el, "Transcript")
    if not transcripts:
        project.skipped.append(f"{kind} source '{name}' has no transcript; not imported")
        return []
    out = []
    for n, tr in enumerate(transcripts, start=1):
        title = tr.get("name") or f"{name} (transcript{'' if n == 1 else f' {n}'})"
        src = _transcript(reader, tr, title, project)
        if src is None:
            continue
        src.media = media
        if n == 1:  # what belongs to the recording goes with its first transcript
            src.whole += codings_of(el)
            src.notes = note_refs(el) + src.notes
            read_variables(el, src, f"{kind} source '{name}'", project, variables)
        out.append(src)
    return out


def _transcript(
    reader: SourceReader, tr: Element, title: str, project: RefiProject
) -> RefiSource | None:
    what = f"transcript '{title}'"
    raw = reader.source_text(tr, what, project.skipped)
    if raw is None:
        return None
    points: dict[str, tuple[int | None, int | None]] = {}
    for sp in kids(tr, "SyncPoint"):
        points[guid_of(sp.get("guid"))] = (_int(sp.get("position")), _int(sp.get("timeStamp")))
    sel_els, positions = [], []
    for sel in kids(tr, "TranscriptSelection"):
        ends = [points.get(guid_of(sel.get(a))) for a in ("fromSyncPoint", "toSyncPoint")]
        if any(e is None or e[0] is None for e in ends):
            project.skipped.append(
                f"{what}: selection '{sel.get('name') or guid_of(sel.get('guid'))}' does not"
                f" name two sync points with positions; {len(kids(sel, 'Coding'))} coding(s)"
                " skipped"
            )
            continue
        sel_els.append(sel)
        positions.append((ends[0][0], ends[1][0]))
    conv = convert_positions(raw, positions, project.origin)
    timed = [(p, ms) for p, ms in points.values() if p is not None and ms is not None and ms >= 0]
    where = convert_points(raw, [p for p, _ in timed], conv.reading)
    sync = sorted({(c, ms) for c, (_, ms) in zip(where, timed) if c is not None})
    src = RefiSource(
        guid_of(tr.get("guid")),
        title,
        conv.text,
        "txt",
        "interview",
        notes=note_refs(tr),
        reading=conv.reading.describe(),
        sync_points=sync,
    )
    if len(sync) < len(timed):
        project.skipped.append(
            f"{what}: {len(timed) - len(sync)} sync point(s) outside its text not imported"
        )
    add_selections(src, sel_els, positions, conv, what, project)
    return src
