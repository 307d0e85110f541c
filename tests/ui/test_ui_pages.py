"""AppTest: the entrypoint, every page on an empty project and on one with data, Project and Code
page actions, errors (a QdaError shows its message, a bug its traceback)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from ui_data import ACCENTED, APP, PAGES, XSS


def _app(path, monkeypatch) -> AppTest:
    monkeypatch.setenv("QDA_PROJECT", str(path))
    monkeypatch.delenv("QDA_EXPOSED", raising=False)
    return AppTest.from_file(APP, default_timeout=120)


def _page(path, monkeypatch, name: str, state: dict | None = None) -> AppTest:
    at = _app(path, monkeypatch)
    for k, v in (state or {}).items():
        at.session_state[k] = v
    at.run()
    at.switch_page(f"ui/pages/{name}.py").run()
    return at


def test_entrypoint_opens_project_page_with_coder(project_path, monkeypatch):
    at = _app(project_path, monkeypatch)
    at.session_state["coder"] = "maria"
    at.run()
    assert not at.exception
    assert at.title[0].value == "Project"
    assert at.sidebar.text_input[0].value == "maria"


@pytest.mark.parametrize("page", [p.stem for p in PAGES])
def test_every_page_renders_on_empty_project(project_path, monkeypatch, page):
    at = _page(project_path, monkeypatch, page)
    assert not at.exception, f"{page}: {at.exception}"


@pytest.mark.parametrize("page", [p.stem for p in PAGES])
def test_every_page_renders_on_project_with_data(data_project, monkeypatch, page):
    path, _ = data_project
    at = _page(path, monkeypatch, page)
    assert not at.exception, f"{page}: {at.exception}"
    shown = " ".join(str(getattr(e, "value", "")) for e in at.markdown)
    assert "<script>alert" not in shown.replace("&lt;script&gt;", "")


@pytest.fixture(scope="module")
def demo_project(tmp_path_factory):
    """The demo project built by demo/build.py (whatever steps exist now)."""
    from demo.build import build

    return build(tmp_path_factory.mktemp("demo") / "demo.qda.sqlite")


@pytest.mark.parametrize("page", [p.stem for p in PAGES])
def test_every_page_renders_on_demo_project(demo_project, monkeypatch, tmp_path, page):
    import shutil

    path = tmp_path / "demo.qda.sqlite"
    shutil.copyfile(demo_project, path)
    at = _page(path, monkeypatch, page)
    assert not at.exception, f"{page}: {at.exception}"


def test_project_dashboard_counts_and_backup_restore(data_project, monkeypatch):
    from projectfile import list_backups

    path, ids = data_project
    at = _page(path, monkeypatch, "project")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Documents"] == "4" and metrics["Codes"] == "4"
    assert metrics["Codings"] == "5"
    coders = at.dataframe[0].value
    assert dict(zip(coders["coder"], coders["codings"])) == {
        "alice": 3,
        "bob": 1,
        "**bob** <b onclick=alert(8)>": 1,
    }
    before = len(list_backups(path))
    at.button(key="proj_backup").click().run()
    assert not at.exception and len(list_backups(path)) == before + 1
    # change the project, then restore the backup: the change is gone
    import coding
    from projectfile import open_project

    db = open_project(path)
    coding.add_code(db, "Made after the backup")
    db.conn.close()
    at.run()
    assert {m.label: m.value for m in at.metric}["Codes"] == "5"
    at.checkbox(key="proj_sure").check().run()
    at.button(key="proj_restore").click().run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Codes"] == "4"


def test_project_page_creates_and_switches_project(project_path, monkeypatch, tmp_path):
    at = _page(project_path, monkeypatch, "project")
    at.text_input(key="proj_path").set_value(str(tmp_path / "second")).run()
    at.button(key="proj_create").click().run()
    assert not at.exception
    assert at.session_state["project_path"] == str(tmp_path / "second.qda.sqlite")
    assert (tmp_path / "second.qda.sqlite").exists()


def test_code_page_applies_codes_to_selection(data_project, monkeypatch):
    import coding
    from projectfile import open_project

    path, ids = data_project
    start = ACCENTED.index("«")
    sel = {"document_id": ids["accented"], "start": start, "end": ACCENTED.index("🚀") + 1}
    at = _page(
        path,
        monkeypatch,
        "code",
        {"coder": "carla", "code_doc": ids["accented"], "code_selection": sel},
    )
    assert not at.exception
    at.multiselect(key="code_pick").select(ids["policy"]).select(ids["council"]).run()
    at.button(key="code_apply").click().run()
    assert not at.exception, at.exception
    db = open_project(path)
    got = coding.codings_frame(db, coders="carla")
    assert sorted(got["code_path"]) == ["Policy", "Policy > Councils"]
    assert set(got["text"]) == {"«la innovación 🚀"}
    # the codings in view list shows them (carla had none in this document, so the page opened
    # on all coders: alice's coding and carla's two); undo removes the last one
    assert at.subheader[0].value == "Codings in view (3)"
    at.button(key="code_undo").click().run()
    assert len(coding.codings_frame(db, coders="carla")) == 1
    at.button(key="code_redo").click().run()
    assert len(coding.codings_frame(db, coders="carla")) == 2
    db.conn.close()


def test_code_page_create_code_recode_memo_delete(data_project, monkeypatch):
    import coding
    from projectfile import open_project

    path, ids = data_project
    sel = {"document_id": ids["xss"], "start": 0, "end": 8}
    at = _page(
        path, monkeypatch, "code", {"coder": "alice", "code_doc": ids["xss"], "code_selection": sel}
    )
    at.text_input(key="code_new_name").set_value("Hostility > Script tags")
    at.button[[b.label for b in at.button].index("Create and apply")].click().run()
    assert not at.exception
    db = open_project(path)
    new = coding.codings_frame(db, codes="Hostility > Script tags")
    assert list(new["text"]) == ["<script>"]
    cid = int(new["coding_id"].iloc[0])
    at.selectbox(key=f"code_re_{cid}").set_value(ids["policy"])
    at.text_area(key=f"code_memo_{cid}").set_value("recoded")
    at.button(key=f"code_save_{cid}").click().run()
    row = (
        coding.codings_frame(db, coders="alice", documents=[ids["xss"]])
        .set_index("coding_id")
        .loc[cid]
    )
    assert row["code_path"] == "Policy" and row["memo"] == "recoded"
    at.session_state["code_selection"] = {"document_id": ids["xss"], "start": 0, "end": 25}
    at.run()
    at.button(key=f"code_span_{cid}").click().run()
    row = (
        coding.codings_frame(db, coders="alice", documents=[ids["xss"]])
        .set_index("coding_id")
        .loc[cid]
    )
    assert row["text"] == "<script>alert(1)</script>"
    at.button(key=f"code_del_{cid}").click().run()
    assert cid not in set(coding.codings_frame(db)["coding_id"])
    # the hostile text is shown as plain text (st.text), never as markdown/HTML
    assert any(XSS[:25] in t.value for t in at.text)
    db.conn.close()


def test_code_page_honours_focus_and_coder_views(data_project, monkeypatch):
    path, ids = data_project
    text_len = None
    from corpus import get_text
    from projectfile import open_project

    db = open_project(path)
    text = get_text(db, ids["report"])
    db.conn.close()
    at_ = text.index("Section 45.")
    focus = {"document_id": ids["report"], "start": at_, "end": at_ + 11}
    at = _page(path, monkeypatch, "code", {"coder": "alice", "focus": focus})
    assert not at.exception
    assert at.selectbox(key="code_doc").value == ids["report"]
    assert (
        at.selectbox(key="code_win_pick").value == 4
    )  # 60 sections over 6 pages: section 45 is on page 5
    assert at.session_state["focus"] == focus  # kept for other pages
    # a focus switches the view to all coders (the passage may be someone else's);
    # none are on page 5
    assert at.radio(key="code_view").value == "all coders"
    assert at.subheader[0].value == "Codings in view (0)"
    at.selectbox(key="code_win_pick").set_value(0).run()
    assert at.subheader[0].value == "Codings in view (2)"
    at.radio(key="code_view").set_value("me").run()
    assert at.subheader[0].value == "Codings in view (1)"
    at.run()  # the focus was applied once: the coder's choice of view stays
    assert at.radio(key="code_view").value == "me"
    at.radio(key="code_view").set_value("another coder").run()
    assert {"bob", "**bob** <b onclick=alert(8)>"} <= set(at.selectbox(key="code_view_who").options)
    at.selectbox(key="code_view_who").set_value("bob").run()
    assert at.subheader[0].value == "Codings in view (1)"
    del text_len


def test_code_page_adds_a_document_memo(data_project, monkeypatch):
    from coding import memos_frame
    from projectfile import open_project

    path, ids = data_project
    at = _page(path, monkeypatch, "code", {"coder": "alice", "code_doc": ids["xss"]})
    at.text_area(key="code_doc_memo_text").set_value("<script>alert(9)</script> read again")
    at.button[[b.label for b in at.button].index("Add memo")].click().run()
    assert not at.exception
    db = open_project(path)
    memos = memos_frame(db, target="document", target_id=ids["xss"])
    db.conn.close()
    assert list(memos["text"]) == ["<script>alert(9)</script> read again"] and list(
        memos["author"]
    ) == ["alice"]
    assert any("alice: <script>alert(9)</script>" in t.value for t in at.text)


@pytest.mark.parametrize("page", ["code", "codebook", "export", "project"])
def test_pages_explain_a_project_file_that_is_not_a_project(tmp_path, monkeypatch, page):
    bad = tmp_path / "notes.qda.sqlite"
    bad.write_bytes(b"these are not the droids you are looking for" * 100)
    at = _page(bad, monkeypatch, page)
    assert not at.exception, f"{page}: {at.exception}"
    assert any(str(bad.name) in e.value for e in at.error)


def test_code_page_opens_a_focus_on_a_superseded_version(project_path, monkeypatch):
    from ui_data import make_document

    from projectfile import open_project

    db = open_project(project_path)
    old = make_document(db, "Minutes", ["First draft of the council minutes."])
    new = make_document(db, "Minutes", ["Second draft of the council minutes, revised."])
    db.conn.close()
    assert old != new
    focus = {"document_id": old, "start": 6, "end": 11}
    at = _page(project_path, monkeypatch, "code", {"focus": focus})
    assert not at.exception
    assert at.selectbox(key="code_doc").value == old
    assert "superseded" in at.selectbox(key="code_doc").format_func(old)


def test_corpus_upload_offers_the_ocr_languages_tesseract_has(data_project, monkeypatch):
    from corpus import tesseract_languages

    path, _ids = data_project
    at = _page(path, monkeypatch, "corpus")
    assert not at.exception
    have = tesseract_languages() - {"osd"}
    picker = [m for m in at.multiselect if m.label == "Languages of scanned pages (OCR)"]
    if not have:  # no tesseract on this machine: the form says how to get OCR instead
        assert not picker
        assert any("install tesseract-ocr" in c.value for c in at.caption)
        return
    assert picker and len(picker[0].options) == len(have)
    if "spa" in have:
        assert "Spanish (spa)" in picker[0].options
    assert picker[0].value == [c for c in ("eng", "spa") if c in have]
