"""Import of mangled but well-formed REFI-QDA projects: either it imports (reporting what it
skipped) or it fails with ImportFileError and leaves no project behind -- never another exception,
never a half-written project."""

from __future__ import annotations

import uuid
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from exports import ImportFileError, export_qdpx, import_qdpx
from projectfile import open_project

ATTRS = [
    "startPosition",
    "endPosition",
    "targetGUID",
    "name",
    "color",
    "guid",
    "creatingUser",
    "plainTextPath",
    "isCodable",
    "typeOfVariable",
]
VALUES = [
    "",
    "-1",
    "0",
    "99999999999999999999",
    "abc",
    "#12",
    "#GGGGGG",
    "A > B",
    "\x00",
    "x\x0by",
    "internal://nope.txt",
    "relative://../../etc/passwd",
    "00000000-0000-4000-8000-000000000000",
    "{00000000-0000-4000-8000-000000000001}",
    "😀" * 3,
    " ",
    "true",
    "Text",
]


def _seed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("seed")
    from exports_sample import INTERVIEW, POLICY, make_doc

    from coding import add_code, add_memo, code_document, code_span
    from corpus import store_document

    db = open_project(folder / "seed.qda.sqlite")
    a = store_document(db, make_doc(POLICY, "Policy", "policy"), segment_language=False)
    b = store_document(db, make_doc(INTERVIEW, "Interview", "interview"), segment_language=False)
    add_code(db, "Funding", definition="Money")
    add_code(db, "Public", parent="Funding")
    code_span(db, a, 10, 40, "Funding > Public", "ana", memo="m")
    code_span(db, b, 0, 20, "Funding", "ben")
    code_document(db, b, "Funding", "ana")
    add_memo(db, "note", "ana", target="code", target_id="Funding")
    path = export_qdpx(db, folder / "seed.qdpx")
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def test_mangled_projects_import_or_fail_cleanly(tmp_path_factory):
    entries = _seed(tmp_path_factory)
    folder = tmp_path_factory.mktemp("fuzz")

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        st.lists(
            st.tuples(st.integers(0, 10_000), st.sampled_from(ATTRS), st.sampled_from(VALUES)),
            min_size=1,
            max_size=6,
        ),
        st.booleans(),
    )
    def run(edits, drop_sources):
        root = etree.fromstring(entries["project.qde"])
        elements = list(root.iter())
        for index, attr, value in edits:
            el = elements[index % len(elements)]
            try:
                el.set(attr, value)
            except (
                ValueError
            ):  # lxml refuses the control character itself: that variant cannot be written
                pass
        xml = etree.tostring(root, xml_declaration=True, encoding="utf-8")
        path = folder / f"{uuid.uuid4().hex[:8]}.qdpx"
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("project.qde", xml)
            for name, data in entries.items():
                if name != "project.qde" and not drop_sources:
                    zf.writestr(name, data)
        project = folder / f"{path.stem}.qda.sqlite"
        try:
            report = import_qdpx(path, project)
        except ImportFileError as exc:
            assert exc.filename and not project.exists()
        else:
            assert isinstance(report.skipped, list)
            db = open_project(project)
            from coding import codings_frame
            from corpus import get_text

            for row in codings_frame(db).itertuples():
                if row.scope == "span":
                    assert (
                        0
                        <= row.char_start
                        < row.char_end
                        <= len(get_text(db, int(row.document_id)))
                    )
            db.conn.close()

    run()
