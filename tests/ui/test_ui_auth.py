"""Access gate: open on localhost; exposed, it needs a password hash or OIDC, else it refuses
project data."""

from __future__ import annotations

import hashlib

from streamlit.testing.v1 import AppTest
from ui_data import APP

from ui.auth import check_password, hash_password, is_exposed


def test_password_hash_round_trip_and_wrong_password():
    stored = hash_password("s3cret", iterations=1000)
    assert stored.startswith("pbkdf2_sha256$1000$")
    assert check_password("s3cret", {"password_hash": stored})
    assert not check_password("s3cret ", {"password_hash": stored})
    assert not check_password("x", {"password_hash": "pbkdf2_sha256$bad"})
    sha = hashlib.sha256(b"pw").hexdigest()
    assert check_password("pw", {"password_sha256": sha.upper()})
    assert not check_password("pw", {})


def test_exposed_by_address_or_flag(monkeypatch):
    monkeypatch.delenv("QDA_EXPOSED", raising=False)
    assert not is_exposed("127.0.0.1") and not is_exposed("localhost") and not is_exposed("::1")
    assert (
        is_exposed("0.0.0.0")
        and is_exposed("192.168.1.5")
        and is_exposed("")
        and is_exposed("myhost")
    )
    monkeypatch.setenv("QDA_EXPOSED", "1")
    assert is_exposed("127.0.0.1")


def _gate(project_path, monkeypatch, auth: dict | None) -> AppTest:
    monkeypatch.setenv("QDA_PROJECT", str(project_path))
    monkeypatch.setenv("QDA_EXPOSED", "1")
    at = AppTest.from_file(APP, default_timeout=60)
    if auth is not None:
        at.secrets["auth"] = auth
    return at.run()


def test_gate_refuses_without_configuration(project_path, monkeypatch):
    at = _gate(project_path, monkeypatch, None)
    assert not at.exception
    assert at.title[0].value == "Sign-in required"
    assert "secrets.toml" in at.error[0].value
    assert not at.metric  # no project dashboard


def test_gate_password_sign_in(project_path, monkeypatch):
    at = _gate(
        project_path, monkeypatch, {"password_hash": hash_password("open sesame", iterations=1000)}
    )
    assert at.title[0].value == "Sign in" and not at.metric
    at.text_input[0].input("wrong")
    at.button[0].click().run()
    assert at.error[0].value == "Wrong password." and not at.metric
    at.text_input[0].input("open sesame")
    at.button[0].click().run()
    assert not at.exception
    assert at.title[0].value == "Project" and at.metric


def test_gate_oidc_configured_offers_login(project_path, monkeypatch):
    at = _gate(
        project_path,
        monkeypatch,
        {
            "redirect_uri": "http://x/oauth2callback",
            "cookie_secret": "c",
            "client_id": "id",
            "client_secret": "s",
            "server_metadata_url": "https://idp.example/.well-known/openid-configuration",
        },
    )
    assert not at.exception
    assert at.title[0].value == "Sign in" and "organisation" in at.button[0].label and not at.metric


def test_gate_open_on_localhost(project_path, monkeypatch):
    monkeypatch.setenv("QDA_PROJECT", str(project_path))
    monkeypatch.delenv("QDA_EXPOSED", raising=False)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.title[0].value == "Project"


def test_config_listens_on_localhost_with_upload_limit_and_xsrf():
    import tomllib

    from ui_data import ROOT

    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert cfg["server"]["address"] == "127.0.0.1"
    assert 0 < cfg["server"]["maxUploadSize"] <= 500
    assert cfg["server"]["enableXsrfProtection"] is True
