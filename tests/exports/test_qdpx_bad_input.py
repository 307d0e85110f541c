"""Bad REFI-QDA input: each gives a clear message and leaves the project exactly as it was."""

from __future__ import annotations

import zipfile

import pytest
from test_qdpx_import import C1, NS, S1, make_qdpx

import exports.refi.store as qdpx_import
from coding import CodingError
from exports import ImportFileError, export_qdpx, import_qdc, import_qdpx
from exports.refi.safezip import Limits, SafeZip
from projectfile import NotFound

GOOD_TEXT = "El consejo binacional financió tres consorcios."


def project_xml(
    selections: str, codes: str = f'<Code guid="{C1}" name="Consejo" isCodable="true"/>'
) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{NS}" name="t" origin="QualCoder 3.5">
  <CodeBook><Codes>{codes}</Codes></CodeBook>
  <Sources><TextSource guid="{S1}"
      name="Doc"><PlainTextContent>{GOOD_TEXT}</PlainTextContent>{selections}</TextSource></Sources>
</Project>"""


def sel(i: int, start: int, end: int, code: str = C1) -> str:
    return (
        f'<PlainTextSelection guid="AAAAAAAA-0000-4000-8000-00000000000{i}" '
        f'startPosition="{start}" endPosition="{end}">'
        f'<Coding guid="BBBBBBBB-0000-4000-8000-00000000000{i}"><CodeRef targetGUID="{code}"/>'
        "</Coding></PlainTextSelection>"
    )


def dump(db) -> list[str]:
    return list(db.conn.iterdump())


@pytest.fixture
def existing(coded):
    """The coded project and a snapshot of its full contents."""
    return (
        coded["db"],
        dump(coded["db"]),
        coded["db"].conn.execute("PRAGMA database_list").fetchone()[2],
    )


def _refused(path, existing, match: str, tmp_path):
    db, before, project_file = existing
    with pytest.raises(ImportFileError, match=match) as info:
        import_qdpx(path, project_file)
    assert path.name in str(info.value)
    assert dump(db) == before
    fresh = tmp_path / "fresh.qda.sqlite"
    with pytest.raises(ImportFileError, match=match):
        import_qdpx(path, fresh)
    assert not fresh.exists()


def test_not_a_zip(tmp_path, existing):
    path = tmp_path / "notes.qdpx"
    path.write_text("this is a plain text file, not a zip")
    _refused(path, existing, "not a zip archive", tmp_path)


def test_zip_without_project_qde(tmp_path, existing):
    path = tmp_path / "other.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
        zf.writestr("sources/a.txt", "text")
    _refused(path, existing, "no project.qde inside", tmp_path)


def test_xml_that_does_not_parse(tmp_path, existing):
    path = make_qdpx(
        tmp_path / "broken.qdpx", "<Project xmlns='urn:QDA-XML:project:1.0'><Users></Project>"
    )
    _refused(path, existing, "XML does not parse", tmp_path)


def test_wrong_root_element(tmp_path, existing):
    path = make_qdpx(tmp_path / "root.qdpx", "<Something/>")
    _refused(path, existing, "not a REFI-QDA project", tmp_path)


def test_external_entities_are_refused(tmp_path, existing):
    xml = (
        '<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        f'<Project xmlns="{NS}" name="&xxe;"/>'
    )
    path = make_qdpx(tmp_path / "xxe.qdpx", xml)
    _refused(path, existing, "DTD or entities", tmp_path)


def test_billion_laughs_is_refused(tmp_path, existing):
    ents = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    xml = f'<?xml version="1.0"?><!DOCTYPE Project [{ents}]><Project xmlns="{NS}" name="&lol9;"/>'
    path = make_qdpx(tmp_path / "lol.qdpx", xml)
    _refused(path, existing, "DTD or entities", tmp_path)


def test_entries_with_parent_paths_are_refused(tmp_path, existing):
    path = tmp_path / "slip.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", project_xml(""))
        zf.writestr("../../evil.txt", "x")
    _refused(path, existing, r"outside the archive \(absolute or \.\./ path\)", tmp_path)
    assert not (tmp_path.parent / "evil.txt").exists()


def test_zip_bomb_is_refused(tmp_path, existing):
    path = tmp_path / "bomb.qdpx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", project_xml(""))
        zf.writestr("sources/big.txt", b"\0" * (30 * 1024 * 1024))
    assert path.stat().st_size < 200_000
    _refused(path, existing, "possible zip bomb", tmp_path)


def test_too_many_entries_and_oversized_entries(tmp_path):
    path = tmp_path / "many.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(12):
            zf.writestr(f"sources/{i}.txt", "x" * 100)
    with pytest.raises(ImportFileError, match="too many entries"):
        SafeZip(path, Limits(max_entries=10))
    with pytest.raises(ImportFileError, match="too large"):
        SafeZip(path, Limits(max_entry_bytes=50))
    with pytest.raises(ImportFileError, match="uncompressed contents too large"):
        SafeZip(path, Limits(max_total_bytes=1000))


def test_out_of_range_positions_are_reported_and_skipped(tmp_path):
    good = GOOD_TEXT.index("consejo")
    path = make_qdpx(
        tmp_path / "range.qdpx",
        project_xml(sel(1, good, good + 7) + sel(2, 40, 400) + sel(3, -5, 2) + sel(4, 9, 3)),
    )
    report = import_qdpx(path, tmp_path / "p.qda.sqlite")
    assert report.imported["codings"] == 1
    assert sum("falls outside its text" in s for s in report.skipped) == 3
    assert "40-400" in "\n".join(report.skipped)


def test_unknown_code_references_are_reported_and_skipped(tmp_path):
    unknown = "99999999-0000-4000-8000-000000000000"
    path = make_qdpx(
        tmp_path / "codes.qdpx", project_xml(sel(1, 3, 10) + sel(2, 11, 20, code=unknown))
    )
    report = import_qdpx(path, tmp_path / "p.qda.sqlite")
    assert report.imported["codings"] == 1
    assert any(f"unknown code {unknown}" in s for s in report.skipped)


def test_failure_while_writing_rolls_everything_back(tmp_path, existing, monkeypatch):
    db, before, project_file = existing
    path = make_qdpx(tmp_path / "ok.qdpx", project_xml(sel(1, 3, 10)))

    def refused(*args, **kwargs):
        raise CodingError("no such code")

    monkeypatch.setattr(qdpx_import, "apply_batch", refused)
    with pytest.raises(ImportFileError, match="import failed and was undone"):
        import_qdpx(path, project_file)
    assert dump(db) == before
    fresh = tmp_path / "fresh.qda.sqlite"
    with pytest.raises(ImportFileError):
        import_qdpx(path, fresh)
    assert not fresh.exists()


def test_a_bug_while_writing_keeps_its_traceback_and_rolls_back(tmp_path, existing, monkeypatch):
    db, before, project_file = existing
    path = make_qdpx(tmp_path / "ok.qdpx", project_xml(sel(1, 3, 10)))

    def bug(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(qdpx_import, "apply_batch", bug)
    with pytest.raises(RuntimeError, match="disk on fire"):
        import_qdpx(path, project_file)
    assert dump(db) == before
    fresh = tmp_path / "fresh.qda.sqlite"
    with pytest.raises(RuntimeError):
        import_qdpx(path, fresh)
    assert not fresh.exists()


def test_missing_file_is_not_found(tmp_path):
    with pytest.raises(NotFound, match="nope.qdpx: no such file"):
        import_qdpx(tmp_path / "nope.qdpx", tmp_path / "p.qda.sqlite")
    with pytest.raises(NotFound, match="nope.qdc: no such file"):
        import_qdc(tmp_path / "nope.qdc", tmp_path / "p.qda.sqlite")
    assert not (tmp_path / "p.qda.sqlite").exists()


def test_import_into_existing_project_reuses_same_documents_and_codes(coded, tmp_path):
    db = coded["db"]
    project_file = db.conn.execute("PRAGMA database_list").fetchone()[2]
    path = export_qdpx(db, tmp_path / "self.qdpx")
    report = import_qdpx(path, project_file)
    assert report.imported["documents"] == 0 and report.imported["codes"] == 0
    assert report.imported["codes merged with existing ones"] == 4
    assert sum("already in the project" in n for n in report.notices) == 2


def test_qdc_that_is_a_project_is_refused(tmp_path):
    path = tmp_path / "x.qdc"
    path.write_text(f'<Project xmlns="{NS}" name="x"/>')
    with pytest.raises(ImportFileError, match="not a REFI-QDA codebook"):
        import_qdc(path, tmp_path / "p.qda.sqlite")
    assert not (tmp_path / "p.qda.sqlite").exists()


def test_code_names_with_path_separator_are_renamed_not_fatal(tmp_path):
    codes = f'<Code guid="{C1}" name="Policy > Funding" isCodable="true"/>'
    path = make_qdpx(tmp_path / "sep.qdpx", project_xml(sel(1, 3, 10), codes=codes))
    report = import_qdpx(path, tmp_path / "p.qda.sqlite")
    assert report.imported["codings"] == 1
    assert any("Policy \u203a Funding" in n for n in report.notices)


def test_absurdly_deep_codebook_is_refused(tmp_path):
    depth = 200
    codes = "".join(
        f'<Code guid="0A1B2C3D-0000-4000-8000-{i:012d}" name="c{i}" isCodable="true">'
        for i in range(depth)
    )
    codes += "</Code>" * depth
    path = make_qdpx(tmp_path / "deep.qdpx", project_xml("", codes=codes))
    with pytest.raises(ImportFileError, match="deep.qdpx: codes nested more than"):
        import_qdpx(path, tmp_path / "p.qda.sqlite")
    assert not (tmp_path / "p.qda.sqlite").exists()


def test_import_never_supersedes_an_unrelated_document_with_the_same_name(coded, tmp_path):
    from corpus import list_documents

    db = coded["db"]
    project_file = db.conn.execute("PRAGMA database_list").fetchone()[2]
    before = list_documents(db)[["id", "title"]]
    # a foreign project with a different text under the title 'Policy brief'
    xml = project_xml(sel(1, 3, 10)).replace('name="Doc"', 'name="Policy brief"')
    path = make_qdpx(tmp_path / "other.qdpx", xml)
    import_qdpx(path, project_file)
    after = list_documents(db)
    assert set(before["id"]) <= set(after["id"])  # every old document is still current
    assert after["title"].tolist().count("Policy brief") == 2
