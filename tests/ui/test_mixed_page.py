"""The Mixed methods page (AppTest) on the bilingual demo project: the joint display shows the
counts of coding.joint_display, the comparison names what only one group talks about."""

from __future__ import annotations

import pytest
from demo_data import demo_copy
from streamlit.testing.v1 import AppTest
from ui_data import APP

from coding import Scope, joint_display
from projectfile import open_project


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_copy(tmp_path_factory.mktemp("mixed"), tmp_path_factory.mktemp("demo-cache"))


def test_mixed_page_joint_display_and_compare(demo, monkeypatch):
    monkeypatch.setenv("QDA_PROJECT", str(demo))
    monkeypatch.delenv("QDA_EXPOSED", raising=False)
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["mx_attr"] = "sector"
    at.session_state["mx_c_attr"] = "sector"
    at.session_state["mx_c_code"] = "Funding"
    at.session_state["mx_c_a"] = ["industry"]
    at.session_state["mx_c_b"] = ["academia"]
    at.run()
    at.switch_page("ui/pages/mixed.py").run()
    assert not at.exception, at.exception
    grid = at.dataframe[0].value.set_index("code")
    db = open_project(demo)
    try:
        jd = joint_display(db, Scope(children=True), attribute="sector")
    finally:
        db.conn.close()
    row = jd.set_index(["code_path", "group"]).loc[("Talent", "industry")]
    assert grid.loc["Talent", "industry"].startswith(
        f"{row.cases_with} of {row.cases_in_group} cases"
    )
    shown = " ".join(m.value for m in at.markdown)
    assert "Only group A (industry) talks about:" in shown and "Funding &#62; Private" in shown
