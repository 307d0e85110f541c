"""Access gate: on localhost the app is open; exposed to a network it requires sign-in.

Exposed means ``server.address`` is not a loopback address, or $QDA_EXPOSED=1. Sign-in is either
OIDC through ``st.login`` (when ``[auth]`` in .streamlit/secrets.toml holds client_id and
server_metadata_url) or a password whose hash is in ``[auth] password_hash`` (PBKDF2-SHA256, made
by ``python -m ui.auth``) or ``[auth] password_sha256``, or one hash per person under
``[auth.users]`` (``name = "pbkdf2_sha256$..."``: the signed-in name is then the coder). Without
any, the gate refuses to show project data and says how to configure it.

Password sign-ins are throttled per client and per account (``ui.throttle``); the client's
address comes from X-Forwarded-For only through the proxies named in $QDA_TRUSTED_PROXIES or
``[auth] trusted_proxies`` (none by default).
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
import time
from collections.abc import Mapping
from dataclasses import dataclass

import streamlit as st

from ui.state import SIGNED_IN, USER
from ui.throttle import (
    SignInThrottle,
    client_key,
    lock_ends,
    server_trusted,
    trusted_proxies,
)

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
THROTTLE = SignInThrottle()


def _client(auth: dict | None = None) -> str:
    """Return who is signing in: the browser's address, a forwarding header believed only from
    the proxies the owner named (ui.throttle.client_key)."""
    try:
        ip = st.context.ip_address
        headers = st.context.headers
    except Exception:  # bare mode
        ip, headers = None, None
    trusted = trusted_proxies((auth or {}).get("trusted_proxies"))
    return client_key(
        ip if isinstance(ip, str) and ip else None, headers, trusted, server_trusted()
    )


def account_key(name: str, users: dict) -> str:
    """Return the account a sign-in tries: the name when it is a user's, '' for the shared
    password, else a short hash of the name (never logged as typed: it may be a password)."""
    if not users:
        return ""
    if name in users:
        return name
    return "unknown name " + hashlib.sha256(name.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class SignIn:
    """The outcome of one password sign-in: ``ok`` with ``user`` (None for the shared password)
    or ``message`` saying why not."""

    ok: bool
    user: str | None = None
    message: str = ""


def attempt_sign_in(
    name: str,
    password: str,
    users: dict,
    auth: dict,
    client: str,
    throttle: SignInThrottle | None = None,
    sleep=time.sleep,
) -> SignIn:
    """Check one submitted password, throttled per client and per account (ui.throttle).

    The attempt is admitted and counted in one step before the (slow) hash check, so parallel
    guesses cannot outrun the count; a locked client or account is refused before any check,
    even with the right password, with the time the lock ends.
    """
    throttle = throttle or THROTTLE
    attempt = throttle.begin(client, account_key(name, users))
    if attempt.refused:
        return SignIn(False, message=attempt.refused)
    if users:
        ok = name in users and check_password(password, users[name])
    else:
        ok = check_password(password, auth)
    if ok:
        throttle.succeeded(attempt)
        return SignIn(True, user=name if users else None)
    sleep(throttle.failed(attempt))
    if attempt.locks_now:
        left = throttle.locked_for(client, attempt.account)
        return SignIn(
            False,
            message="Too many failed sign-ins: sign-in is locked until "
            f"{lock_ends(left, throttle.wall)}, even with the right password.",
        )
    return SignIn(False, message="Wrong name or password." if users else "Wrong password.")


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


def auth_admins() -> tuple[str, ...]:
    """Return the names in ``[auth] admins`` (secrets): they act as owners of a project without
    members on an exposed server, until they add members."""
    admins = _auth_secrets().get("admins") or ()
    if isinstance(admins, str):
        admins = [admins]
    return tuple(str(a).strip() for a in admins if str(a).strip())


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
    """Check a submitted password (throttled per client and account); sign in or show why not."""
    outcome = attempt_sign_in(name, password, users, auth, _client(auth))
    if not outcome.ok:
        st.error(outcome.message)
        return
    SIGNED_IN.set(True)
    if outcome.user is not None:
        USER.set(outcome.user)
    st.rerun()


if __name__ == "__main__":
    import getpass

    pw = sys.argv[1] if len(sys.argv) > 1 else getpass.getpass("Password for the workbench: ")
    print(f'password_hash = "{hash_password(pw)}"')
