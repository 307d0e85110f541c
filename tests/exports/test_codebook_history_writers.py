"""The codebook's history for a methods section (Markdown, DOCX) and a snapshot as a .qdc."""

from __future__ import annotations

import docx
from lxml import etree

import coding as C
from exports import export_qdc
from exports.codebook_history import history_docx, history_markdown


def _two_rounds(db):
    C.add_code(db, "Talent", coder="ana", definition="People and skills")
    C.add_code(db, "Funding", coder="ana")
    C.add_code(db, "Public", parent="Funding", coder="ana")
    C.snapshot_codebook(db, "round 1", "ana")
    C.update_code(db, "Talent", "ben", name="Skills")
    C.delete_code(db, "Funding > Public", coder="ben")
    C.add_code(db, "Timing", coder="ben")
    C.snapshot_codebook(db, "after consensus", "ben")
    C.update_code(db, "Funding", "ana", definition="Money for the programme")


def test_history_markdown_methods_prose(db, tmp_path):
    _two_rounds(db)
    out = history_markdown(C.codebook_periods(db), C.codebook_history_frame(db), tmp_path / "h.md")
    text = out.read_text(encoding="utf-8")
    assert "Between 'round 1' and 'after consensus': 1 code added, 1 code removed, 'Talent'" in text
    assert "renamed 'Skills'" in text
    assert "Since 'after consensus': the definition of 'Funding' revised\\." in text
    assert text.count("\n- ") == 7  # 3 adds, rename, trash, add, define
    assert "ben: renamed 'Talent' to 'Skills'" in text


def test_history_docx_opens_with_the_period_sentences(db, tmp_path):
    _two_rounds(db)
    out = history_docx(C.codebook_periods(db), C.codebook_history_frame(db), tmp_path / "h.docx")
    paras = [p.text for p in docx.Document(str(out)).paragraphs]
    assert paras[0] == "How the codebook evolved"
    assert paras[1].startswith("Between 'round 1' and 'after consensus': 1 code added")
    assert paras[2] == "Since 'after consensus': the definition of 'Funding' revised."
    assert "Changes" in paras and paras[-1].endswith("changed the definition of 'Funding'")


def test_qdc_snapshot_validates(db, tmp_path, refi_schemas):
    _two_rounds(db)
    schema = etree.XMLSchema(etree.parse(str(refi_schemas / "Codebook.xsd")))
    ns = {"c": "urn:QDA-XML:codebook:1.0"}
    old = etree.parse(str(export_qdc(db, tmp_path / "r1.qdc", snapshot="round 1")))
    assert schema.validate(old), schema.error_log
    names = [c.get("name") for c in old.iter("{urn:QDA-XML:codebook:1.0}Code")]
    assert names == ["Talent", "Funding", "Public"]
    assert old.find("c:Codes/c:Code[@name='Funding']/c:Code", ns).get("name") == "Public"
    assert old.findtext("c:Codes/c:Code[@name='Talent']/c:Description", None, ns) == (
        "People and skills"
    )
    now = etree.parse(str(export_qdc(db, tmp_path / "now.qdc")))
    assert schema.validate(now), schema.error_log
    assert {c.get("name") for c in now.iter("{urn:QDA-XML:codebook:1.0}Code")} == {
        "Skills",
        "Funding",
        "Timing",
    }
