"""The Codebook page in a team (issue 22 §1, AppTest): a coder proposes a code (created
'proposed', usable at once), an owner sees the proposals and accepts one under a new name and
rejects another, a viewer gets neither form nor buttons, and a viewer's write is refused by the
use-case layer with the project unchanged."""

from __future__ import annotations

import hashlib

import pytest
from streamlit.testing.v1 import AppTest
from ui_data import app_as

import coding
from projectfile import open_project


@pytest.fixture
def team_project(tmp_path):
    path = tmp_path / "team.qda.sqlite"
    db = open_project(path)
    coding.add_code(db, "Funding", color="#4e79a7")
    coding.add_member(db, "olga", "owner", by="olga")
    coding.add_member(db, "ana", "coder", by="olga")
    coding.add_member(db, "vic", "viewer", by="olga")
    db.conn.close()
    return path


def _codebook(path, monkeypatch, who: str) -> AppTest:
    at = app_as(path, monkeypatch, who)
    at.switch_page("ui/pages/codebook.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Codebook"
    return at


def _codes(path) -> dict[str, tuple[str, bool]]:
    """{name: (status, in the trash)} of every code."""
    db = open_project(path)
    try:
        rows = db.execute("SELECT name, status, deleted_at FROM codes").fetchall()
    finally:
        db.conn.close()
    return {n: (s, d is not None) for n, s, d in rows}


def _propose(at: AppTest, name: str) -> None:
    form_inputs = [w for w in at.text_input if w.label == "Name"]
    form_inputs[0].set_value(name)
    at.button(key="FormSubmitter:add_code-Propose code").click().run()
    assert not at.exception, at.exception


def test_coder_proposes_owner_renames_and_accepts_or_rejects(team_project, monkeypatch):
    path = team_project
    ana = _codebook(path, monkeypatch, "ana")
    buttons = {b.key for b in ana.button}
    assert "FormSubmitter:add_code-Propose code" in buttons
    assert "FormSubmitter:add_code-Add code" not in buttons
    assert not any("Merge" == b.label for b in ana.button)  # structure: owners only
    _propose(ana, "Training suppliers")
    _propose(ana, "Weather")
    assert _codes(path)["Training suppliers"] == ("proposed", False)
    assert _codes(path)["Funding"] == ("active", False)
    shown = [m.value for m in ana.success]
    assert any("Proposed &#39;Weather&#39;" in v for v in shown), shown  # escaped
    assert "Proposed codes (2)" in [h.value for h in ana.subheader]
    assert not [b for b in ana.button if (b.key or "").startswith("proposal_")]

    olga = _codebook(path, monkeypatch, "olga")
    assert "Proposed codes (2)" in [h.value for h in olga.subheader]
    db = open_project(path)
    ids = {r[1]: r[0] for r in db.execute("SELECT id, name FROM codes")}
    db.conn.close()
    training, weather = ids["Training suppliers"], ids["Weather"]
    olga.text_input(key=f"proposal_name_{training}").set_value("Supplier training").run()
    olga.button(key=f"proposal_rename_{training}").click().run()
    assert not olga.exception, olga.exception
    codes = _codes(path)
    assert codes["Supplier training"] == ("active", False)
    assert "Training suppliers" not in codes
    olga.button(key=f"proposal_reject_{weather}").click().run()
    assert not olga.exception, olga.exception
    assert _codes(path)["Weather"] == ("proposed", True)  # in the trash: restorable
    assert "Proposed codes (2)" not in [h.value for h in olga.subheader]
    assert not [b for b in olga.button if (b.key or "").startswith("proposal_")]
    # a plain accept
    ana = _codebook(path, monkeypatch, "ana")
    _propose(ana, "Delays")
    olga = _codebook(path, monkeypatch, "olga")
    delays = [b for b in olga.button if (b.key or "").startswith("proposal_accept_")]
    assert len(delays) == 1
    delays[0].click().run()
    assert _codes(path)["Delays"] == ("active", False)


def test_viewer_gets_no_forms_and_a_write_is_refused(team_project, monkeypatch):
    from workflows import AccessDenied, attach

    path = team_project
    ana = _codebook(path, monkeypatch, "ana")
    _propose(ana, "Weather")
    vic = _codebook(path, monkeypatch, "vic")
    keys = {b.key for b in vic.button}
    assert not any((k or "").startswith(("FormSubmitter:add_code", "proposal_")) for k in keys)
    assert not any(b.label in ("↶ Undo", "Merge", "Restore") for b in vic.button)
    assert any("as a viewer" in c.value for c in vic.caption)
    assert "Proposed codes (1)" in [h.value for h in vic.subheader]  # reading is allowed
    # the codebook's history is read by everyone (a methods section cites it); snapshots are
    # an owner's to save
    assert "History and versions" in [h.value for h in vic.subheader]
    assert not any((b.key or "").startswith("FormSubmitter:snapshot") for b in vic.button)
    assert any("an owner saves them" in i.value for i in vic.info)

    db = open_project(path)
    try:
        before = hashlib.sha256("\n".join(db.conn.iterdump()).encode()).hexdigest()
        attach(db, "vic")
        weather = db.execute("SELECT id FROM codes WHERE name = 'Weather'").fetchone()[0]
        with pytest.raises(AccessDenied, match="viewer"):
            coding.add_code(db, "Sneaky", coder="vic")
        with pytest.raises(AccessDenied, match="viewer"):
            coding.accept_code(db, weather, "vic")
        after = hashlib.sha256("\n".join(db.conn.iterdump()).encode()).hexdigest()
    finally:
        db.conn.close()
    assert before == after
