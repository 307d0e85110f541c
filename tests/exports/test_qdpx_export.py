"""REFI-QDA export: schema-valid project.qde and .qdc, stable GUIDs, round trip through import."""

from __future__ import annotations

import re
import zipfile

import pytest
from lxml import etree

from coding import add_memo, code_document, codes_frame, codings_frame, memos_frame
from corpus import get_text, list_documents
from exports import ExportError, export_qdc, export_qdpx, import_qdc, import_qdpx
from projectfile import open_project

STAMP = re.compile(rb'(creationDateTime|modifiedDateTime)="[^"]*"')


def _project_xml(path) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read("project.qde")


def test_qdpx_validates_against_project_xsd(with_cases, tmp_path, refi_schemas):
    db = with_cases["db"]
    add_memo(db, "Overall impression: funding dominates.", "ana", title="Project note")
    add_memo(db, "Check CONACYT figures", "ben", target="code", target_id="Funding > Public")
    add_memo(
        db, "The brief is a 2019 draft", "ana", target="document", target_id=with_cases["policy"]
    )
    path = export_qdpx(db, tmp_path / "p.qdpx")
    schema = etree.XMLSchema(etree.parse(str(refi_schemas / "Project.xsd")))
    doc = etree.fromstring(_project_xml(path))
    assert schema.validate(doc), schema.error_log
    ns = {"q": "urn:QDA-XML:project:1.0"}
    assert len(doc.findall(".//q:PlainTextSelection", ns)) == 6
    case = doc.find(".//q:Case", ns)
    assert case.get("name") == "Expert 3"
    values = {
        v.getparent().find("q:VariableRef", ns).get("targetGUID"): v.text
        for v in case.findall(".//q:TextValue", ns)
    }
    assert set(values.values()) == {"industry", "Mexico"}
    assert len(case.findall("q:SourceRef", ns)) == 1
    assert len(doc.findall("q:Notes/q:Note", ns)) == 4  # three memos + one coding memo
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        assert names[0] == "project.qde" and all(n.startswith("sources/") for n in names[1:])
        src = doc.find(".//q:TextSource", ns)
        text = zf.read("sources/" + src.get("plainTextPath").split("://")[1]).decode("utf-8")
    assert text == get_text(db, with_cases["policy"])
    sel = src.find("q:PlainTextSelection", ns)
    s, e = int(sel.get("startPosition")), int(sel.get("endPosition"))
    assert text[s:e] == "50% of the money came from CONACYT"


def test_qdc_validates_against_codebook_xsd(coded, tmp_path, refi_schemas):
    path = export_qdc(coded["db"], tmp_path / "c.qdc")
    schema = etree.XMLSchema(etree.parse(str(refi_schemas / "Codebook.xsd")))
    doc = etree.parse(str(path))
    assert schema.validate(doc), schema.error_log
    ns = {"c": "urn:QDA-XML:codebook:1.0"}
    funding = doc.find("c:Codes/c:Code[@name='Funding']", ns)
    assert funding.get("color") == "#1f77b4" and funding.find("c:Code", ns).get("name") == "Public"


def test_two_exports_differ_only_in_timestamps(coded, tmp_path):
    a = export_qdpx(coded["db"], tmp_path / "a.qdpx", name="demo")
    b = export_qdpx(coded["db"], tmp_path / "b.qdpx", name="demo")
    xa, xb = _project_xml(a), _project_xml(b)
    assert STAMP.sub(b"", xa) == STAMP.sub(b"", xb)
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        assert za.namelist() == zb.namelist()
        for n in za.namelist()[1:]:
            assert za.read(n) == zb.read(n)
            assert za.getinfo(n).date_time == zb.getinfo(n).date_time


def test_guids_differ_between_projects(coded, tmp_path):
    other = open_project(tmp_path / "other.qda.sqlite")
    from coding import add_code

    add_code(other, "Funding", color="#1f77b4")
    g1 = re.search(
        rb'name="Funding" isCodable="true"',
        _project_xml(export_qdpx(coded["db"], tmp_path / "1.qdpx")),
    )
    assert g1
    guid = lambda x: re.search(rb'guid="([^"]+)" name="Funding"', x).group(1)  # noqa: E731
    assert guid(_project_xml(export_qdpx(coded["db"], tmp_path / "1.qdpx"))) != guid(
        _project_xml(export_qdpx(other, tmp_path / "2.qdpx"))
    )


def _snapshot(db):
    docs = (
        list_documents(db)[["title", "kind"]]
        .assign(text=[get_text(db, int(i)) for i in list_documents(db)["id"]])
        .sort_values("title")
        .reset_index(drop=True)
    )
    codes = (
        codes_frame(db)[["path", "color", "definition"]].sort_values("path").reset_index(drop=True)
    )
    cod = codings_frame(db)
    cod = cod.assign(title=cod["document_title"])[
        ["title", "scope", "char_start", "char_end", "code_path", "coder", "memo", "text"]
    ]
    cod = cod.sort_values(["title", "char_start", "char_end", "code_path", "coder"]).reset_index(
        drop=True
    )
    memos = (
        memos_frame(db)[["target", "title", "text", "author"]]
        .sort_values(["target", "text"])
        .reset_index(drop=True)
    )
    return docs, codes, cod, memos


def test_round_trip_keeps_documents_codes_codings_coders_and_memos(coded, tmp_path):
    db = coded["db"]
    add_memo(db, "Overall impression", "ana", title="Project note")
    add_memo(
        db,
        "Check figures",
        "ben",
        target="code",
        target_id="Funding > Public",
        title="On public money",
    )
    add_memo(
        db, "Draft version", "ana", target="document", target_id=coded["policy"], title="Source"
    )
    code_document(db, coded["interview"], "Barriers", "ben", memo="whole interview")
    path = export_qdpx(db, tmp_path / "rt.qdpx")
    report = import_qdpx(path, tmp_path / "copy.qda.sqlite")
    assert (
        report.skipped == []
        and report.imported["codings"] == 6
        and report.imported["whole-document codings"] == 1
        and report.imported["documents"] == 2
    )
    copy = open_project(tmp_path / "copy.qda.sqlite")
    before, after = _snapshot(db), _snapshot(copy)
    for x, y in zip(before, after):
        assert x.equals(y), (x, y)
    assert set(codings_frame(copy)["coder"]) == {"ana", "ben"}


def test_qdc_round_trip_into_new_project(coded, tmp_path):
    path = export_qdc(coded["db"], tmp_path / "c.qdc")
    report = import_qdc(path, tmp_path / "cb.qda.sqlite")
    assert report.imported["codes"] == 4
    copy = open_project(tmp_path / "cb.qda.sqlite")
    a = codes_frame(coded["db"])[["path", "color", "definition"]].reset_index(drop=True)
    b = codes_frame(copy)[["path", "color", "definition"]].reset_index(drop=True)
    assert a.equals(b)


def test_empty_codebook_qdc_is_refused(db, tmp_path):
    with pytest.raises(ExportError, match="empty"):
        export_qdc(db, tmp_path / "c.qdc")


def test_empty_project_exports_valid_qdpx(db, tmp_path, refi_schemas):
    path = export_qdpx(db, tmp_path / "e.qdpx")
    schema = etree.XMLSchema(etree.parse(str(refi_schemas / "Project.xsd")))
    assert schema.validate(etree.fromstring(_project_xml(path))), schema.error_log


def test_control_characters_do_not_break_the_xml(db, tmp_path):
    from exports_sample import make_doc

    from coding import add_code, code_span
    from corpus import store_document

    text = "Form\x0cfeed page break and a bell\x07 inside the text."
    doc_id = store_document(
        db, make_doc(text, "Scan\x0bned title", "policy"), segment_language=False
    )
    add_code(db, "Odd", definition="vertical\x0btab")
    code_span(db, doc_id, 0, 4, "Odd", "ana", memo="memo\x01")
    path = export_qdpx(db, tmp_path / "c.qdpx")
    with zipfile.ZipFile(path) as zf:
        root = etree.fromstring(zf.read("project.qde"))
        src = root.find(".//{urn:QDA-XML:project:1.0}TextSource")
        assert (
            zf.read("sources/" + src.get("plainTextPath").split("://")[1]).decode() == text
        )  # the text file stays exact
    report = import_qdpx(path, tmp_path / "copy.qda.sqlite")
    assert report.imported["codings"] == 1
