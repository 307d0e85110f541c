"""The "Summarise" panel in AppTest: the sentences of a code's coded passages (English and
Spanish), each with its citation and "Open", and "Save as memo" writing the memo."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest
from ui_data import make_document

EN = "The federal grant arrived nine months late, so the laboratory took a bank loan."
ES = "Los pagos del ministerio se retrasaron cada año por el papeleo del fondo federal."
OTHER = "La cafetería del edificio abre a las ocho de la mañana todos los días."


def _panel(path: str) -> None:
    import workflows  # noqa: F401
    from exports import SummaryTarget
    from projectfile import open_project
    from ui.components.summaries import summary_panel

    db = open_project(path)
    summary_panel(db, None, SummaryTarget("code", code="Delays"))


def test_summary_panel_lists_cited_sentences_and_saves_a_memo(tmp_path, monkeypatch):
    import coding
    from corpus import get_text
    from projectfile import open_project

    path = tmp_path / "panel.qda.sqlite"
    db = open_project(path)
    docs = [make_document(db, "Report <b>", [EN]), make_document(db, "Informe", [ES, OTHER])]
    coding.add_code(db, "Delays")
    for doc, passage in zip(docs, (EN, ES)):
        at = get_text(db, doc).index(passage)
        coding.code_span(db, doc, at, at + len(passage), "Delays", "ana")
    db.conn.close()
    monkeypatch.setenv("QDA_CODER", "ana")
    at = AppTest.from_function(_panel, args=(str(path),), default_timeout=240)
    at.run()
    assert not at.exception
    assert not [m for m in at.markdown if "nine months" in m.value]  # nothing before the click
    at.button(key="summary_go").click().run()
    assert not at.exception
    shown = " ".join(m.value for m in at.markdown)
    assert "nine months late" in shown and "se retrasaron" in shown
    assert "cafetería" not in shown  # an uncoded sentence is not summary material
    assert "Report &lt;b&gt;" in shown  # the citation, escaped
    assert len([b for b in at.button if b.key and b.key.startswith("summary_open_")]) == 2
    at.button(key="summary_memo").click().run()
    db = open_project(path)
    try:
        memos = coding.memos_frame(db)
        assert list(memos["title"]) == ["Summary of Delays"]
        assert "nine months late" in memos["text"].iloc[0] and "Report <b>" in memos["text"].iloc[0]
    finally:
        db.conn.close()


def test_cell_summary_target_follows_the_row_kind():
    from coding import Scope
    from ui.components.summaries import cell_summary_target

    scope = Scope(codes=("Talent",), children=True)
    s, t = cell_summary_target(scope, "case:12", 7)
    assert (t.kind, t.code, t.case, s.codes, s.children) == ("cell", 7, 12, None, True)
    s, t = cell_summary_target(scope, "document:5", 7)
    assert (t.kind, t.code, s.documents, s.codes) == ("code", 7, (5,), None)
    s, t = cell_summary_target(scope, "attribute:Sector=Auto parts", 7)
    assert (t.kind, s.attribute_filter) == ("code", {"Sector": ["Auto parts"]})
