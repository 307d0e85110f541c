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
import logging
import os
import secrets as _secrets
import sys
import threading
import time
from collections.abc import Mapping

import streamlit as st

from ui.state import SIGNED_IN, USER

PBKDF2_ITERATIONS = 390_000
HOW_TO = (
    "This workbench is reachable from the network, so it needs sign-in, and none is configured.\n\n"
    "Either set a password: run `python -m ui.auth` and put the line it prints under `[auth]` in "
    "`.streamlit/secrets.toml`; or configure OIDC for `st.login` there (`redirect_uri`, "
    "`cookie_secret`, `client_id`, `client_secret`, `server_metadata_url`).  Or run it on "
    "localhost only "
    '(`server.address = "127.0.0.1"` in `.streamlit/config.toml`).'
)


LOG = logging.getLogger("qda.auth")
LOCK_AFTER = 10  # failed sign-ins from one client within WINDOW_S lock it out for LOCK_S
WINDOW_S = 15 * 60
LOCK_S = 15 * 60
MAX_DELAY_S = 8.0


class SignInThrottle:
    """Failed password sign-ins per client: each failure slows the next answer down (0.25 s,
    doubling to 8 s) and ``LOCK_AFTER`` failures within ``WINDOW_S`` lock the client out for
    ``LOCK_S``; every failure and lockout is logged (client and count, never the password).

    One instance serves the whole server process (all sessions), so opening new browser
    sessions does not reset the count.
    """

    def __init__(
        self,
        lock_after: int = LOCK_AFTER,
        window_s: float = WINDOW_S,
        lock_s: float = LOCK_S,
        clock=time.monotonic,
    ):
        self.lock_after, self.window_s, self.lock_s, self.clock = (
            lock_after,
            window_s,
            lock_s,
            clock,
        )
        self._failures: dict[str, list[float]] = {}
        self._locked_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def locked_for(self, client: str) -> float:
        """Return the seconds ``client`` stays locked out (0 when it may try)."""
        with self._lock:
            left = self._locked_until.get(client, 0) - self.clock()
            if left <= 0:
                self._locked_until.pop(client, None)
                return 0.0
            return left

    def failed(self, client: str) -> float:
        """Record a failure; return the delay to impose before answering."""
        with self._lock:
            now = self.clock()
            recent = [t for t in self._failures.get(client, []) if now - t < self.window_s]
            recent.append(now)
            self._failures[client] = recent
            n = len(recent)
            if n >= self.lock_after:
                self._locked_until[client] = now + self.lock_s
                self._failures[client] = []
                LOG.warning(
                    "sign-in: %d failed attempts from %s; locked out for %d minutes",
                    n,
                    client,
                    self.lock_s // 60,
                )
            else:
                LOG.warning("sign-in: failed attempt %d from %s", n, client)
            return min(MAX_DELAY_S, 0.25 * 2 ** (n - 1))

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)
        LOG.info("sign-in: success from %s", client)


THROTTLE = SignInThrottle()


def _client() -> str:
    """Return the address of the browser talking to this session ('unknown' when hidden)."""
    try:
        ip = st.context.ip_address
    except Exception:  # bare mode
        ip = None
    return ip if isinstance(ip, str) and ip else "unknown client"


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
    if SIGNED_IN.get():
        return USER.get() or None
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
        if SIGNED_IN.get():
            with st.sidebar:
                if st.button("Sign out", key="qda_sign_out"):
                    SIGNED_IN.set(False)
                    USER.pop()
                    st.rerun()
            return
        st.title("Sign in")
        with st.form("qda_sign_in"):
            name = st.text_input("Name", key="qda_sign_in_name") if users else ""
            password = st.text_input("Password", type="password")
            ok = st.form_submit_button("Sign in")
        if ok:
            _password_sign_in((name or "").strip(), password or "", users, auth)
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


def _password_sign_in(name: str, password: str, users: dict, auth: dict) -> None:
    """Check a submitted password (throttled per client); sign in or show why not."""
    client = _client()
    locked = THROTTLE.locked_for(client)
    if locked:
        st.error(
            "Too many failed sign-ins from this computer. Try again in"
            f" {max(1, round(locked / 60))} minute(s), or ask whoever runs the workbench."
        )
        return
    if users and name in users and check_password(password, users[name]):
        THROTTLE.succeeded(client)
        SIGNED_IN.set(True)
        USER.set(name)
        st.rerun()
    if not users and check_password(password, auth):
        THROTTLE.succeeded(client)
        SIGNED_IN.set(True)
        st.rerun()
    time.sleep(THROTTLE.failed(client))
    if THROTTLE.locked_for(client):
        st.error(
            "Too many failed sign-ins from this computer: sign-in is locked for"
            f" {LOCK_S // 60} minutes."
        )
        return
    st.error("Wrong name or password." if users else "Wrong password.")


if __name__ == "__main__":
    import getpass

    pw = sys.argv[1] if len(sys.argv) > 1 else getpass.getpass("Password for the workbench: ")
    print(f'password_hash = "{hash_password(pw)}"')
