"""Access gate: on localhost the app is open; exposed to a network it requires sign-in.

Exposed means ``server.address`` is not a loopback address, or $QDA_EXPOSED=1. Sign-in is either
OIDC through ``st.login`` (when ``[auth]`` in .streamlit/secrets.toml holds client_id and
server_metadata_url) or a password whose hash is in ``[auth] password_hash`` (PBKDF2-SHA256, made
by ``python -m ui.auth``) or ``[auth] password_sha256``, or one hash per person under
``[auth.users]`` (``name = "pbkdf2_sha256$..."``: the signed-in name is then the coder). Without
any, the gate refuses to show project data and says how to configure it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import os
import secrets as _secrets
import sys
from collections.abc import Mapping

import streamlit as st

PBKDF2_ITERATIONS = 390_000
HOW_TO = (
    "This workbench is reachable from the network, so it needs sign-in, and none is configured.\n\n"
    "Either set a password: run `python -m ui.auth` and put the line it prints under `[auth]` in "
    "`.streamlit/secrets.toml`; or configure OIDC for `st.login` there (`redirect_uri`, "
    "`cookie_secret`, `client_id`, `client_secret`, `server_metadata_url`).  Or run it on "
    "localhost only "
    '(`server.address = "127.0.0.1"` in `.streamlit/config.toml`).'
)


def hash_password(
    password: str, salt: bytes | None = None, iterations: int = PBKDF2_ITERATIONS
) -> str:
    """Return 'pbkdf2_sha256$iterations$salt$hash' (base64) for ``password``."""
    salt = salt or _secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    salt_b64 = base64.b64encode(salt).decode()
    return f"pbkdf2_sha256${iterations}${salt_b64}${base64.b64encode(digest).decode()}"


def check_password(password: str, auth: dict) -> bool:
    """Return True when ``password`` matches the ``[auth]`` password hash (in constant time)."""
    stored = str(auth.get("password_hash") or "")
    if stored.startswith("pbkdf2_sha256$"):
        try:
            _, iterations, salt, digest = stored.split("$", 3)
            got = hashlib.pbkdf2_hmac(
                "sha256", password.encode("utf-8"), base64.b64decode(salt), int(iterations)
            )
            return hmac.compare_digest(got, base64.b64decode(digest))
        except (ValueError, TypeError):
            return False
    sha = str(auth.get("password_sha256") or "").strip().lower()
    if sha:
        return hmac.compare_digest(hashlib.sha256(password.encode("utf-8")).hexdigest(), sha)
    return False


def is_exposed(address: str | None = None) -> bool:
    """Return True when the server listens beyond loopback (or $QDA_EXPOSED is set)."""
    if os.environ.get("QDA_EXPOSED", "").strip().lower() in {"1", "true", "yes"}:
        return True
    if address is None:
        address = st.get_option("server.address") or ""
    address = address.strip().strip("[]")
    if address in {"localhost"}:
        return False
    if not address:
        return True  # Streamlit's default listens on every interface
    try:
        return not ipaddress.ip_address(address).is_loopback
    except ValueError:
        return True


def _auth_secrets() -> dict:
    try:
        return dict(st.secrets.get("auth", {}) or {})
    except Exception:  # no secrets file, or a broken one: treat as not configured
        return {}


def _oidc_configured(auth: dict) -> bool:
    keys = {"client_id", "server_metadata_url"}
    return keys <= set(auth) or any(isinstance(v, dict) and keys <= set(v) for v in auth.values())


def _users(auth: dict) -> dict[str, dict]:
    """Per-user password hashes from ``[auth.users]`` (name = "pbkdf2_sha256$...")."""
    users = auth.get("users")
    if not isinstance(users, Mapping):  # st.secrets gives its own mapping type
        return {}
    return {
        str(name).strip(): {"password_hash": str(h)}
        for name, h in users.items()
        if str(name).strip() and isinstance(h, str)
    }


def signed_in_user() -> str | None:
    """Return who is signed in (OIDC e-mail or name, or the per-user password name), else None.

    None on localhost (no sign-in) and with one shared password (no identity): the coder is then
    typed in the sidebar. With an identity, the app records it as the coder on every change.
    """
    if not is_exposed():
        return None
    if st.session_state.get("qda_signed_in"):
        return st.session_state.get("qda_user") or None
    user = getattr(st, "user", None)
    if user is not None and getattr(user, "is_logged_in", False):
        ident = user.get("email") or user.get("name") or user.get("sub")
        return str(ident) if ident else None
    return None


def require_access() -> None:
    """Stop the script unless this session may see project data."""
    if not is_exposed():
        return
    auth = _auth_secrets()
    users = _users(auth)
    if users or auth.get("password_hash") or auth.get("password_sha256"):
        if st.session_state.get("qda_signed_in"):
            with st.sidebar:
                if st.button("Sign out", key="qda_sign_out"):
                    st.session_state.qda_signed_in = False
                    st.session_state.pop("qda_user", None)
                    st.rerun()
            return
        st.title("Sign in")
        with st.form("qda_sign_in"):
            name = st.text_input("Name", key="qda_sign_in_name") if users else ""
            password = st.text_input("Password", type="password")
            ok = st.form_submit_button("Sign in")
        if ok:
            name = (name or "").strip()
            if users and name in users and check_password(password or "", users[name]):
                st.session_state.qda_signed_in = True
                st.session_state.qda_user = name
                st.rerun()
            if not users and check_password(password or "", auth):
                st.session_state.qda_signed_in = True
                st.rerun()
            st.error("Wrong name or password." if users else "Wrong password.")
        st.stop()
    if _oidc_configured(auth):
        user = getattr(st, "user", None)
        if user is not None and getattr(user, "is_logged_in", False):
            with st.sidebar:
                st.button("Sign out", key="qda_sign_out", on_click=st.logout)
            return
        st.title("Sign in")
        st.button("Sign in with your organisation", on_click=st.login)
        st.stop()
    st.title("Sign-in required")
    st.error(HOW_TO)
    st.stop()


if __name__ == "__main__":
    import getpass

    pw = sys.argv[1] if len(sys.argv) > 1 else getpass.getpass("Password for the workbench: ")
    print(f'password_hash = "{hash_password(pw)}"')
