"""Parse a REFI-QDA ``.qdpx``/``.qdc`` from another tool into plain dataclasses (no database).

Positions are converted to our canonical offsets here (``positions.convert_positions``); everything that
cannot be imported (pictures, audio, video, PDF regions, sets, links, graphs, external files, bad or
out-of-range selections, unknown code references) is listed in ``RefiProject.skipped``, never dropped silently.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element

from corpus.decode import bytes_to_text
from corpus.model import ParseError

from .positions import convert_positions
from .safezip import ImportFileError, Limits, SafeZip, local, parse_xml

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


def guid_of(value: str | None) -> str:
    """Return a GUID in one canonical spelling (no braces, lower case)."""
    return (value or "").strip().strip("{}").lower()


def _kids(el: Element, name: str) -> list[Element]:
    return [c for c in el if local(c.tag) == name]


def _kid(el: Element, name: str) -> Element | None:
    found = _kids(el, name)
    return found[0] if found else None


def _text(el: Element | None) -> str:
    return (el.text or "") if el is not None else ""


def _notes(el: Element) -> list[str]:
    return [guid_of(n.get("targetGUID")) for n in _kids(el, "NoteRef")]


def _codings(el: Element) -> list[RefiCoding]:
    out = []
    for c in _kids(el, "Coding"):
        ref = _kid(c, "CodeRef")
        out.append(
            RefiCoding(
                guid_of(ref.get("targetGUID")) if ref is not None else "",
                guid_of(c.get("creatingUser")) or None,
                _notes(c),
            )
        )
    return out


MAX_CODE_DEPTH = 64


def _parse_codes(
    parent: Element, into: list[RefiCode], parent_guid: str | None = None, depth: int = 0
) -> None:
    if depth > MAX_CODE_DEPTH:
        raise ValueError(f"codes nested more than {MAX_CODE_DEPTH} levels deep; refusing")
    for c in _kids(parent, "Code"):
        color = (c.get("color") or "").strip() or None
        code = RefiCode(
            guid_of(c.get("guid")),
            (c.get("name") or "").strip() or "(unnamed code)",
            parent_guid,
            color,
            _text(_kid(c, "Description")),
            _notes(c),
        )
        into.append(code)
        _parse_codes(c, into, code.guid, depth + 1)


class _Reader:
    """Reads one archive's project XML and its internal source files."""

    def __init__(self, archive: SafeZip | None, label: str):
        self.archive = archive
        self.label = label

    def source_text(self, el: Element, what: str, skipped: list[str]) -> str | None:
        content = _kid(el, "PlainTextContent")
        if content is not None:
            return content.text or ""
        path = el.get("plainTextPath") or ""
        if not path:
            skipped.append(
                f"{what}: no plain text (only rich text '{el.get('richTextPath') or '?'}'); not imported"
            )
            return None
        if not path.lower().startswith("internal://"):
            skipped.append(f"{what}: text is outside the archive ({path}); not imported")
            return None
        entry = self.archive.find("sources/" + path[len("internal://") :]) if self.archive else None
        if entry is None:
            skipped.append(
                f"{what}: its text file {path} is missing from the archive; not imported"
            )
            return None
        try:
            text, _ = bytes_to_text(self.archive.read(entry), entry)
        except ParseError as exc:
            skipped.append(f"{what}: {exc.reason}; not imported")
            return None
        return text


def _parse_text_source(
    reader: _Reader,
    el: Element,
    name: str,
    guid: str,
    file_type: str,
    origin: str,
    project: RefiProject,
    variables: dict[str, tuple[str, str]],
) -> RefiSource | None:
    what = f"source '{name}'"
    raw = reader.source_text(el, what, project.skipped)
    if raw is None:
        return None
    sel_els = _kids(el, "PlainTextSelection")
    positions = []
    for s in sel_els:
        try:
            positions.append((int(s.get("startPosition")), int(s.get("endPosition"))))
        except (TypeError, ValueError):
            positions.append((-1, -1))
    conv = convert_positions(raw, positions, origin)
    src = RefiSource(
        guid,
        name,
        conv.text,
        file_type,
        selections=[],
        whole=_codings(el),
        notes=_notes(el),
        reading=conv.reading.describe(),
    )
    if conv.switched:
        project.notices.append(
            f"{what}: positions read as {conv.reading.describe()} (the file's origin suggested "
            f"{conv.declared.describe()}, but that put fewer selections on word boundaries)"
        )
    for s_el, raw_pos, span in zip(sel_els, positions, conv.spans):
        sel = RefiSelection(
            span[0] if span else None,
            span[1] if span else None,
            raw_pos,
            _codings(s_el),
            _notes(s_el),
        )
        if span is None:
            project.skipped.append(
                f"{what}: selection {raw_pos[0]}-{raw_pos[1]} falls outside its text "
                f"({len(conv.text)} characters); {len(sel.codings)} coding(s) skipped"
            )
        src.selections.append(sel)
    for vv in _kids(el, "VariableValue"):
        ref = _kid(vv, "VariableRef")
        var = variables.get(
            guid_of(ref.get("targetGUID")) if ref is not None else "", ("?", "Text")
        )
        value = next((c.text for c in vv if local(c.tag) != "VariableRef"), None)
        if var[0] == DOC_KIND_VARIABLE and value in ("policy", "interview", "other"):
            src.kind = value
        else:
            project.skipped.append(
                f"{what}: source variable '{var[0]}' = {value!r} not imported (no source attributes here)"
            )
    return src


def _value(vv: Element) -> object:
    for c in vv:
        tag = local(c.tag)
        if tag == "VariableRef":
            continue
        raw = c.text or ""
        try:
            if tag == "IntegerValue":
                return int(raw)
            if tag == "FloatValue":
                return float(raw)
            if tag == "BooleanValue":
                return raw.strip().lower() in ("true", "1")
        except ValueError:
            return raw
        return raw
    return None


def parse_project_xml(root: Element, reader: _Reader) -> RefiProject:
    """Return the RefiProject of a parsed ``Project`` element."""
    if local(root.tag) != "Project":
        raise ImportFileError(
            reader.label,
            f"not a REFI-QDA project (root element is <{local(root.tag)}>, not <Project>)",
        )
    origin = root.get("origin") or ""
    project = RefiProject(root.get("name") or Path(reader.label).stem, origin)
    users = _kid(root, "Users")
    for i, u in enumerate(_kids(users, "User") if users is not None else [], start=1):
        project.users[guid_of(u.get("guid"))] = (
            u.get("name") or u.get("id") or f"user {i}"
        ).strip()
    book = _kid(root, "CodeBook")
    codes_el = _kid(book, "Codes") if book is not None else None
    if codes_el is not None:
        try:
            _parse_codes(codes_el, project.codes)
        except ValueError as exc:
            raise ImportFileError(reader.label, str(exc)) from exc
    variables = {}
    vars_el = _kid(root, "Variables")
    for v in _kids(vars_el, "Variable") if vars_el is not None else []:
        variables[guid_of(v.get("guid"))] = (
            v.get("name") or "variable",
            v.get("typeOfVariable") or "Text",
        )
    notes_el = _kid(root, "Notes")
    for n in _kids(notes_el, "Note") if notes_el is not None else []:
        text = reader.source_text(n, f"note '{n.get('name') or ''}'", project.skipped)
        project.notes[guid_of(n.get("guid"))] = RefiNote(
            guid_of(n.get("guid")),
            n.get("name") or "",
            text or "",
            guid_of(n.get("creatingUser")) or None,
        )
    sources_el = _kid(root, "Sources")
    for s in list(sources_el) if sources_el is not None else []:
        tag, name, guid = (
            local(s.tag),
            s.get("name") or guid_of(s.get("guid")),
            guid_of(s.get("guid")),
        )
        if tag == "TextSource":
            src = _parse_text_source(reader, s, name, guid, "txt", origin, project, variables)
        elif tag == "PDFSource":
            regions = _kids(s, "PDFSelection")
            if regions:
                project.skipped.append(
                    f"PDF source '{name}': {len(regions)} region selection(s) on the page image not imported"
                )
            rep = _kid(s, "Representation")
            if rep is None:
                project.skipped.append(f"PDF source '{name}': no text representation; not imported")
                src = None
            else:
                src = _parse_text_source(reader, rep, name, guid, "pdf", origin, project, variables)
                if src is not None:
                    src.whole += _codings(s)
                    src.notes += _notes(s)
        else:
            kind = tag.replace("Source", "").lower() or tag
            sels = sum(
                len(_kids(s, t)) for t in ("PictureSelection", "AudioSelection", "VideoSelection")
            )
            project.skipped.append(
                f"{kind} source '{name}' with {sels} selection(s) not imported ({kind} is not supported)"
            )
            src = None
            for n, tr in enumerate(_kids(s, "Transcript"), start=1):
                # the transcript's text is a document of its own; its selections hang on sync points, not characters
                text = reader.source_text(tr, f"transcript of '{name}'", project.skipped)
                if text is None:
                    continue
                title = tr.get("name") or f"{name} (transcript{'' if n == 1 else f' {n}'})"
                project.sources.append(
                    RefiSource(
                        guid_of(tr.get("guid")),
                        title,
                        convert_positions(text, []).text,
                        "txt",
                        "interview",
                        notes=_notes(tr),
                    )
                )
                tsel = len(_kids(tr, "TranscriptSelection"))
                if tsel:
                    project.skipped.append(
                        f"transcript of '{name}': {tsel} selection(s) tied to time sync points not imported"
                    )
                project.notices.append(
                    f"the transcript of {kind} source '{name}' was imported as the document '{title}'"
                )
        if src is not None:
            project.sources.append(src)
    cases_el = _kid(root, "Cases")
    for c in _kids(cases_el, "Case") if cases_el is not None else []:
        case = RefiCase(
            guid_of(c.get("guid")), c.get("name") or "case", _text(_kid(c, "Description"))
        )
        for vv in _kids(c, "VariableValue"):
            ref = _kid(vv, "VariableRef")
            var = variables.get(guid_of(ref.get("targetGUID")) if ref is not None else "")
            if var is None:
                project.skipped.append(f"case '{case.name}': value of an unknown variable skipped")
                continue
            case.variables[var[0]] = _value(vv)
        case.sources = [guid_of(r.get("targetGUID")) for r in _kids(c, "SourceRef")]
        case.codes = [guid_of(r.get("targetGUID")) for r in _kids(c, "CodeRef")]
        if _kids(c, "SelectionRef"):
            project.skipped.append(
                f"case '{case.name}': {len(_kids(c, 'SelectionRef'))} selection reference(s) not imported"
            )
        project.cases.append(case)
    project.project_notes = _notes(root)
    for tag in ("Sets", "Links", "Graphs"):
        el = _kid(root, tag)
        if el is not None and len(el):
            project.skipped.append(f"{len(el)} {tag.lower()} not imported")
    _check_refs(project)
    return project


def _check_refs(project: RefiProject) -> None:
    """Drop codings that point at codes the file does not define, listing each."""
    known = {c.guid for c in project.codes}
    for src in project.sources:
        for sel in src.selections:
            bad = [c for c in sel.codings if c.code not in known]
            for c in bad:
                project.skipped.append(
                    f"source '{src.name}': coding of unknown code {c.code or '(none)'} skipped"
                )
            sel.codings = [c for c in sel.codings if c.code in known]
        bad = [c for c in src.whole if c.code not in known]
        for c in bad:
            project.skipped.append(
                f"source '{src.name}': whole-source coding of unknown code {c.code or '(none)'} skipped"
            )
        src.whole = [c for c in src.whole if c.code in known]
    for case in project.cases:
        for g in [g for g in case.codes if g not in known]:
            project.skipped.append(
                f"case '{case.name}': code reference to unknown code {g} skipped"
            )
        case.codes = [g for g in case.codes if g in known]


def find_project_entry(archive: SafeZip) -> str:
    """Return the archive's project XML entry: project.qde, or the one .qde at the top (ATLAS.ti names it after the project)."""
    entry = archive.find("project.qde")
    if entry:
        return entry
    top = [n for n in archive.names() if n.lower().endswith(".qde") and "/" not in n.strip("/")]
    if len(top) == 1:
        return top[0]
    if len(top) > 1:
        raise ImportFileError(
            archive.label, f"several project files inside ({', '.join(sorted(top))}); expected one"
        )
    raise ImportFileError(
        archive.label, "no project.qde inside: this zip is not a REFI-QDA project (.qdpx)"
    )


def parse_qdpx(path: str | os.PathLike, limits: Limits | None = None) -> RefiProject:
    """Return the RefiProject in a ``.qdpx`` archive; raise ImportFileError for unsafe or broken files."""
    with SafeZip(path, limits) as archive:
        entry = find_project_entry(archive)
        root = parse_xml(archive.read(entry), f"{archive.label}/{entry}")
        return parse_project_xml(root, _Reader(archive, archive.label))


def parse_qdc(path: str | os.PathLike, max_bytes: int = 64 * 1024**2) -> RefiProject:
    """Return a RefiProject holding only the codebook of a ``.qdc`` file."""
    path = Path(path)
    if not path.is_file():
        raise ImportFileError(path.name, "no such file")
    if path.stat().st_size > max_bytes:
        raise ImportFileError(path.name, "too large for a codebook file")
    root = parse_xml(path.read_bytes(), path.name)
    if local(root.tag) != "CodeBook":
        raise ImportFileError(
            path.name,
            f"not a REFI-QDA codebook (root element is <{local(root.tag)}>, not <CodeBook>)",
        )
    project = RefiProject(path.stem, root.get("origin") or "")
    codes_el = _kid(root, "Codes")
    if codes_el is not None:
        try:
            _parse_codes(codes_el, project.codes)
        except ValueError as exc:
            raise ImportFileError(path.name, str(exc)) from exc
    if _kid(root, "Sets") is not None and len(_kid(root, "Sets")):
        project.skipped.append(f"{len(_kid(root, 'Sets'))} sets not imported")
    return project
