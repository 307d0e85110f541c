"""What a REFI-QDA file holds, as plain dataclasses: ``refi.parse`` fills them, ``refi.store``
stores them.

GUIDs are kept in one spelling (``guid_of``); positions in ``RefiSelection`` are our canonical
offsets.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# the REFI variable that carries a source's document kind (policy, interview, other)
DOC_KIND_VARIABLE = "Document kind"


@dataclass
class RefiCode:
    guid: str
    name: str
    parent: str | None
    color: str | None = None
    description: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class RefiCoding:
    code: str
    user: str | None
    notes: list[str] = field(default_factory=list)


@dataclass
class RefiSelection:
    start: int | None  # canonical offsets once converted; None when out of range
    end: int | None
    raw: tuple[int, int]
    codings: list[RefiCoding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class RefiMedia:
    """The recording of an audio or video source: ``path`` as the file wrote it, ``entry`` the
    archive entry holding it when embedded (``internal://``), else None."""

    guid: str
    kind: str  # 'audio' | 'video'
    name: str
    path: str
    entry: str | None = None


@dataclass
class RefiSource:
    guid: str
    name: str
    text: str
    file_type: str = "txt"
    kind: str = "other"
    selections: list[RefiSelection] = field(default_factory=list)
    whole: list[RefiCoding] = field(default_factory=list)  # codings of the whole source
    notes: list[str] = field(default_factory=list)
    reading: str = ""
    # a media source's transcript: its recording and its sync points (canonical offset, ms)
    media: RefiMedia | None = None
    sync_points: list[tuple[int, int]] | None = None


@dataclass
class RefiCase:
    guid: str
    name: str
    description: str = ""
    variables: dict[str, object] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)


@dataclass
class RefiNote:
    guid: str
    name: str
    text: str
    user: str | None = None


@dataclass
class RefiProject:
    name: str
    origin: str
    users: dict[str, str] = field(default_factory=dict)
    codes: list[RefiCode] = field(default_factory=list)  # parents before children
    sources: list[RefiSource] = field(default_factory=list)
    cases: list[RefiCase] = field(default_factory=list)
    notes: dict[str, RefiNote] = field(default_factory=dict)
    project_notes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    base_path: str = ""  # Project/@basePath: where relative:// paths start


def guid_of(value: str | None) -> str:
    """Return a GUID in one canonical spelling (no braces, lower case)."""
    return (value or "").strip().strip("{}").lower()
