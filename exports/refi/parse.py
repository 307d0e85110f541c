"""Parse a REFI-QDA ``.qdpx``/``.qdc`` from another tool into plain dataclasses (no database).

Positions are converted to our canonical offsets here (``positions.convert_positions``); everything
that cannot be imported (pictures, audio, video, PDF regions, sets, links, graphs, external files,
bad or out-of-range selections, unknown code references) is listed in ``RefiProject.skipped``, never
dropped silently.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from xml.etree.ElementTree import Element

from projectfile import NotFound

from ..errors import ImportFileError
from .media_parse import parse_media_source
from .model import (
    RefiCase,
    RefiCode,
    RefiNote,
    RefiProject,
    guid_of,
)
from .safezip import Limits, SafeZip, local, parse_xml
from .sources import SourceReader, kid, kids, note_refs, parse_source, text_of

MAX_CODE_DEPTH = 64


def _parse_codes(
    parent: Element,
    into: list[RefiCode],
    label: str,
    parent_guid: str | None = None,
    depth: int = 0,
) -> None:
    if depth > MAX_CODE_DEPTH:
        raise ImportFileError(
            label, f"codes nested more than {MAX_CODE_DEPTH} levels deep; refusing"
        )
    for c in kids(parent, "Code"):
        color = (c.get("color") or "").strip() or None
        code = RefiCode(
            guid_of(c.get("guid")),
            (c.get("name") or "").strip() or "(unnamed code)",
            parent_guid,
            color,
            text_of(kid(c, "Description")),
            note_refs(c),
        )
        into.append(code)
        _parse_codes(c, into, label, code.guid, depth + 1)


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


def parse_project_xml(root: Element, reader: SourceReader) -> RefiProject:
    """Return the RefiProject of a parsed ``Project`` element."""
    if local(root.tag) != "Project":
        raise ImportFileError(
            reader.label,
            f"not a REFI-QDA project (root element is <{local(root.tag)}>, not <Project>)",
        )
    project = RefiProject(root.get("name") or Path(reader.label).stem, root.get("origin") or "")
    project.base_path = (root.get("basePath") or "").strip()
    _parse_users(root, project, reader.label)
    book = kid(root, "CodeBook")
    codes_el = kid(book, "Codes") if book is not None else None
    if codes_el is not None:
        _parse_codes(codes_el, project.codes, reader.label)
    variables = _parse_variables(root)
    _parse_notes(root, reader, project)
    sources_el = kid(root, "Sources")
    for el in list(sources_el) if sources_el is not None else []:
        if local(el.tag) in ("AudioSource", "VideoSource"):
            project.sources += parse_media_source(reader, el, project, variables)
            continue
        src = parse_source(reader, el, project, variables)
        if src is not None:
            project.sources.append(src)
    cases_el = kid(root, "Cases")
    for el in kids(cases_el, "Case") if cases_el is not None else []:
        project.cases.append(_parse_case(el, project, variables))
    project.project_notes = note_refs(root)
    for tag in ("Sets", "Links", "Graphs"):
        el = kid(root, tag)
        if el is not None and len(el):
            project.skipped.append(f"{len(el)} {tag.lower()} not imported")
    check_guids(project, reader.label)
    _check_refs(project)
    return project


_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def check_guids(project: RefiProject, label: str) -> None:
    """Refuse codes or sources that share a GUID, with each other or a code with a source or a
    user (codings could not be told apart); report GUIDs that are missing or not in the GUID
    format the standard requires.
    """
    for kind, items in (("codes", project.codes), ("sources", project.sources)):
        seen: dict[str, str] = {}
        for item in items:
            if not item.guid:
                raise ImportFileError(
                    label, f"{kind[:-1]} '{item.name}' has no GUID: its codings cannot be found"
                )
            if item.guid in seen:
                raise ImportFileError(
                    label,
                    f"{kind} '{seen[item.guid]}' and '{item.name}' share the GUID {item.guid}, so"
                    " their codings cannot be told apart: the file is damaged; export it again"
                    " from the other program",
                )
            seen[item.guid] = item.name
    owners: dict[str, str] = {g: f"user '{name}'" for g, name in project.users.items()}
    for kind, items in (("code", project.codes), ("source", project.sources)):
        for item in items:
            other = owners.get(item.guid)
            if other is not None:
                raise ImportFileError(
                    label,
                    f"{other} and {kind} '{item.name}' share the GUID {item.guid}, so"
                    " references to it cannot be told apart: the file is damaged; export it"
                    " again from the other program",
                )
            owners[item.guid] = f"{kind} '{item.name}'"
    bad = [
        f"'{item.name}' ({item.guid})"
        for item in [*project.codes, *project.sources]
        if not _GUID.fullmatch(item.guid)
    ]
    if bad:
        shown = ", ".join(bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
        project.notices.append(
            f"{len(bad)} GUID(s) are not in the standard GUID format: {shown};"
            " imported as given (references still match)"
        )


def _parse_users(root: Element, project: RefiProject, label: str) -> None:
    """Fill ``project.users``; refuse two users sharing a GUID (one's codings would be
    credited to the other)."""
    users = kid(root, "Users")
    for i, u in enumerate(kids(users, "User") if users is not None else [], start=1):
        guid = guid_of(u.get("guid"))
        name = (u.get("name") or u.get("id") or f"user {i}").strip()
        if guid and guid in project.users:
            raise ImportFileError(
                label,
                f"users '{project.users[guid]}' and '{name}' share the GUID {guid}, so their"
                " codings cannot be told apart: the file is damaged; export it again from the"
                " other program",
            )
        project.users[guid] = name


def _parse_variables(root: Element) -> dict[str, tuple[str, str]]:
    """Return {variable GUID: (name, REFI type)}."""
    vars_el = kid(root, "Variables")
    return {
        guid_of(v.get("guid")): (v.get("name") or "variable", v.get("typeOfVariable") or "Text")
        for v in (kids(vars_el, "Variable") if vars_el is not None else [])
    }


def _parse_notes(root: Element, reader: SourceReader, project: RefiProject) -> None:
    notes_el = kid(root, "Notes")
    for n in kids(notes_el, "Note") if notes_el is not None else []:
        text = reader.source_text(n, f"note '{n.get('name') or ''}'", project.skipped)
        project.notes[guid_of(n.get("guid"))] = RefiNote(
            guid_of(n.get("guid")),
            n.get("name") or "",
            text or "",
            guid_of(n.get("creatingUser")) or None,
        )


def _parse_case(
    el: Element, project: RefiProject, variables: dict[str, tuple[str, str]]
) -> RefiCase:
    case = RefiCase(
        guid_of(el.get("guid")), el.get("name") or "case", text_of(kid(el, "Description"))
    )
    for vv in kids(el, "VariableValue"):
        ref = kid(vv, "VariableRef")
        var = variables.get(guid_of(ref.get("targetGUID")) if ref is not None else "")
        if var is None:
            project.skipped.append(f"case '{case.name}': value of an unknown variable skipped")
            continue
        case.variables[var[0]] = _value(vv)
    case.sources = [guid_of(r.get("targetGUID")) for r in kids(el, "SourceRef")]
    case.codes = [guid_of(r.get("targetGUID")) for r in kids(el, "CodeRef")]
    if kids(el, "SelectionRef"):
        project.skipped.append(
            f"case '{case.name}': {len(kids(el, 'SelectionRef'))} selection reference(s) "
            "not imported"
        )
    return case


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
                f"source '{src.name}': whole-source coding of unknown code "
                f"{c.code or '(none)'} skipped"
            )
        src.whole = [c for c in src.whole if c.code in known]
    for case in project.cases:
        for g in [g for g in case.codes if g not in known]:
            project.skipped.append(
                f"case '{case.name}': code reference to unknown code {g} skipped"
            )
        case.codes = [g for g in case.codes if g in known]


def find_project_entry(archive: SafeZip) -> str:
    """Return the archive's project XML entry: project.qde, or the one .qde at the top (ATLAS.ti
    names it after the project)."""
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
    """Return the RefiProject in a ``.qdpx`` archive; raise ImportFileError for unsafe or broken
    files."""
    with SafeZip(path, limits) as archive:
        entry = find_project_entry(archive)
        root = parse_xml(archive.read(entry), f"{archive.label}/{entry}")
        return parse_project_xml(root, SourceReader(archive, archive.label))


def parse_qdc(path: str | os.PathLike, max_bytes: int = 64 * 1024**2) -> RefiProject:
    """Return a RefiProject holding only the codebook of a ``.qdc`` file."""
    path = Path(path)
    if not path.is_file():
        raise NotFound(f"{path.name}: no such file")
    if path.stat().st_size > max_bytes:
        raise ImportFileError(path.name, "too large for a codebook file")
    root = parse_xml(path.read_bytes(), path.name)
    if local(root.tag) != "CodeBook":
        raise ImportFileError(
            path.name,
            f"not a REFI-QDA codebook (root element is <{local(root.tag)}>, not <CodeBook>)",
        )
    project = RefiProject(path.stem, root.get("origin") or "")
    codes_el = kid(root, "Codes")
    if codes_el is not None:
        _parse_codes(codes_el, project.codes, path.name)
    check_guids(project, path.name)
    if kid(root, "Sets") is not None and len(kid(root, "Sets")):
        project.skipped.append(f"{len(kid(root, 'Sets'))} sets not imported")
    return project
