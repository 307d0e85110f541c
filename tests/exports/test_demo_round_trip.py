"""Round trip on the demo project: export as .qdpx, import into a new project, same documents, codes
and codings."""

from __future__ import annotations

from lxml import etree
from test_qdpx_export import _project_xml, _snapshot

from coding import codings_frame
from exports import export_qdpx, import_qdpx
from projectfile import open_project


def test_demo_project_round_trips_through_qdpx(tmp_path, refi_schemas):
    from demo.build import build

    demo = build(tmp_path / "demo.qda.sqlite")
    db = open_project(demo)
    assert not codings_frame(db).empty, "the demo project must have codings to round-trip"
    path = export_qdpx(db, tmp_path / "demo.qdpx")
    schema = etree.XMLSchema(etree.parse(str(refi_schemas / "Project.xsd")))
    assert schema.validate(etree.fromstring(_project_xml(path))), schema.error_log
    report = import_qdpx(path, tmp_path / "copy.qda.sqlite")
    assert not [s for s in report.skipped if "case" not in s], report.skipped
    copy = open_project(tmp_path / "copy.qda.sqlite")
    docs_a, codes_a, codings_a, _ = _snapshot(db)
    docs_b, codes_b, codings_b, _ = _snapshot(copy)
    assert docs_a.equals(docs_b)
    assert codes_a.equals(codes_b)
    cols = ["title", "char_start", "char_end", "code_path", "coder", "text"]
    span_a = codings_a[cols].reset_index(drop=True)
    assert span_a.equals(codings_b[cols].reset_index(drop=True))
