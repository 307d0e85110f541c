"""ui.live and ui.presence without a browser: when a page reruns, who is listed as here, and the
Activity page drawn by AppTest from a project two members worked in."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from ui_data import APP

from ui import presence
from ui.live import live_seconds, should_rerun


def test_should_rerun_only_when_the_token_moved():
    assert should_rerun((1, 2, 3), (1, 2, 4))
    assert should_rerun([1, 2, 3], (2, 2, 3))  # a token kept in session state as a list
    assert not should_rerun((1, 2, 3), (1, 2, 3))
    assert not should_rerun(None, (1, 2, 3))  # the page's run could not read it: note, no rerun
    assert not should_rerun((1, 2, 3), None)  # the project cannot be read now: wait


def test_live_seconds_from_the_environment(monkeypatch):
    monkeypatch.delenv("QDA_LIVE_SECONDS", raising=False)
    assert live_seconds() == 2.0
    monkeypatch.setenv("QDA_LIVE_SECONDS", "0")
    assert live_seconds() == 0.0
    monkeypatch.setenv("QDA_LIVE_SECONDS", "-3")
    assert live_seconds() == 0.0
    monkeypatch.setenv("QDA_LIVE_SECONDS", "soon")
    assert live_seconds() == 2.0


def test_presence_lists_other_members_once_and_forgets_them():
    p = "/tmp/presence-test.qda.sqlite"
    presence.beat(p, "s-ana", "ana", "Code", 3, "Interview 3", now=100.0)
    presence.beat(p, "s-bea-1", "bea", "Search", now=101.0)
    presence.beat(p, "s-bea-2", "bea", "Code", 3, "Interview 3", now=102.0)  # a second tab
    presence.beat("/tmp/other.qda.sqlite", "s-carl", "carl", "Code", now=102.0)
    seen_by_ana = presence.others(p, "s-ana", "ana", now=103.0)
    assert [presence.describe(x) for x in seen_by_ana] == ["bea (Code · Interview 3)"]
    seen_by_bea = presence.others(p, "s-bea-1", "bea", now=103.0)
    assert [x.member for x in seen_by_bea] == ["ana"]  # not bea's own other tab
    # ten seconds without a beat: gone
    assert presence.others(p, "s-bea-1", "bea", now=100.0 + presence.EXPIRE_S + 0.5) == []
    presence.beat(p, "s-bea-2", "bea", "Codebook", now=120.0)
    assert [presence.describe(x) for x in presence.others(p, "s-ana", "ana", now=121.0)] == [
        "bea (Codebook)"
    ]
    presence.leave(p, "s-bea-2")
    assert presence.others(p, "s-ana", "ana", now=121.0) == []


@pytest.fixture
def team_project(tmp_path):
    from ui_data import make_document

    import coding
    from corpus import get_text
    from projectfile import open_project

    path = tmp_path / "team.qda.sqlite"
    db = open_project(path)
    doc = make_document(db, "Interview 3", ["We waited a year for the money."])
    coding.add_code(db, "Funding", color="#4e79a7")
    text = get_text(db, doc)
    s = text.index("a year")
    coding.code_span(db, doc, s, s + 6, "Funding", "ana")
    coding.add_memo(db, "A private thought.", "bea", target="document", target_id=doc)
    db.conn.close()
    return path, doc, s


def test_activity_page_lists_the_team_work_and_opens_a_place(team_project, monkeypatch):
    path, doc, s = team_project
    monkeypatch.setenv("QDA_PROJECT", str(path))
    monkeypatch.delenv("QDA_EXPOSED", raising=False)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("ui/pages/activity.py").run()
    assert not at.exception, at.exception
    lines = [m.value for m in at.markdown]
    assert "coded “Funding” in “Interview 3”" in lines
    assert "wrote a memo on “Interview 3”" in lines
    assert "**ana**" in lines and "**bea**" in lines
    assert not any("private thought" in v for v in lines)  # memo text stays out
    at.selectbox(key="activity_who").set_value("ana").run()
    assert "wrote a memo on “Interview 3”" not in [m.value for m in at.markdown]
    opens = [b for b in at.button if b.key and b.key.startswith("activity_open_")]
    opens[0].click().run()
    assert not at.exception, at.exception
    assert at.session_state["focus"] == {"document_id": doc, "start": s, "end": s + 6}
    assert at.title[0].value == "Code"
