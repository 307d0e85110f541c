"""Sign-in throttling: per account and per client, checked and counted in one step.

Every attempt is counted as a failure *before* its password is checked, under one lock, so
parallel guesses cannot all pass a check made before any of them failed: at most ``lock_after``
wrong guesses are ever checked per window, whatever the number of sessions. A success takes back
the failures of its own client only, never another client's guesses at the same account. An
account locked by failures refuses every password, the right one included, until the lock ends,
and says when. The client is the browser's address; a forwarding header (``X-Forwarded-For``) is
believed only from a proxy the owner named ($QDA_TRUSTED_PROXIES or ``[auth] trusted_proxies``;
default: none), so rotating the header never makes a new client.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

LOG = logging.getLogger("qda.auth")
LOCK_AFTER = 10  # failed sign-ins within WINDOW_S (per client, and per account) lock for LOCK_S
WINDOW_S = 15 * 60
LOCK_S = 15 * 60
MAX_DELAY_S = 8.0
MAX_KEYS = 10_000  # counters kept at most (expired ones are dropped first)
MAX_ACCOUNT_CHARS = 100
TRUSTED_PROXIES_ENV = "QDA_TRUSTED_PROXIES"
UNTRUSTED_FORWARDING = "a client behind a proxy that is not trusted"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Attempt:
    """One sign-in attempt: refused (``refused`` says why) or admitted to a password check."""

    client: str
    account: str | None  # None: the client alone is throttled
    refused: str | None = None
    delay: float = 0.0  # to wait before answering a wrong password
    locks_now: bool = False  # this attempt's failure locks the client or the account
    at: float = 0.0


def lock_ends(seconds: float, wall=time.time) -> str:
    """Return 'HH:MM UTC (in N minutes)' for ``seconds`` from now."""
    when = datetime.fromtimestamp(wall(), UTC) + timedelta(seconds=seconds)
    minutes = max(1, round(seconds / 60))
    return f"{when:%H:%M} UTC (in {minutes} minute{'s' if minutes != 1 else ''})"


class SignInThrottle:
    """Failed password sign-ins per client and per account: each failure slows the next answer
    (0.25 s, doubling to 8 s); ``lock_after`` failures within ``window_s`` lock the client, or
    the account, for ``lock_s``. Failures and lockouts are logged (client, account and count,
    never a password). One instance serves the whole server process (all sessions).
    """

    def __init__(
        self,
        lock_after: int = LOCK_AFTER,
        window_s: float = WINDOW_S,
        lock_s: float = LOCK_S,
        clock=time.monotonic,
        wall=time.time,
    ):
        self.lock_after, self.window_s, self.lock_s = lock_after, window_s, lock_s
        self.clock, self.wall = clock, wall
        # each failure: (when, which client made it); an account's list mixes clients
        self._failures: dict[tuple[str, str], list[tuple[float, str]]] = {}
        self._locked_until: dict[tuple[str, str], float] = {}
        self._at_lock: dict[tuple[str, str], list[tuple[float, str]]] = {}  # what a lock cleared
        self._lock = threading.Lock()

    @staticmethod
    def _keys(client: str, account: str | None) -> list[tuple[str, str]]:
        keys = [("client", client)]
        if account is not None:
            keys.append(("account", account[:MAX_ACCOUNT_CHARS]))
        return keys

    def _left(self, key: tuple[str, str], now: float) -> float:
        left = self._locked_until.get(key, 0.0) - now
        if left <= 0:
            self._locked_until.pop(key, None)
            self._at_lock.pop(key, None)
            return 0.0
        return left

    def _prune(self, now: float) -> None:
        if len(self._failures) + len(self._locked_until) <= MAX_KEYS:
            return
        for key in [
            k for k, v in self._failures.items() if not v or now - v[-1][0] >= self.window_s
        ]:
            del self._failures[key]
        for key in [k for k, t in self._locked_until.items() if t <= now]:
            del self._locked_until[key]
            self._at_lock.pop(key, None)
        while len(self._failures) > MAX_KEYS // 2:  # a flood of new names: the oldest go
            del self._failures[next(iter(self._failures))]

    def locked_for(self, client: str, account: str | None = None) -> float:
        """Return the seconds ``client`` (or ``account``) stays locked out (0 when it may try)."""
        with self._lock:
            now = self.clock()
            return max(self._left(k, now) for k in self._keys(client, account))

    def begin(self, client: str, account: str | None = None) -> Attempt:
        """Admit or refuse one attempt, atomically: refused while the client or the account is
        locked; otherwise counted as a failure now (``succeeded`` takes it back)."""
        account_key = None if account is None else account[:MAX_ACCOUNT_CHARS]
        with self._lock:
            now = self.clock()
            self._prune(now)
            keys = self._keys(client, account_key)
            for kind, name in keys:
                left = self._left((kind, name), now)
                if left:
                    whom = "this account" if kind == "account" else "this computer"
                    LOG.warning("sign-in: refused, %s %s is locked out", kind, name or "(shared)")
                    return Attempt(
                        client,
                        account_key,
                        refused=f"Too many failed sign-ins to {whom}: sign-in is locked until "
                        f"{lock_ends(left, self.wall)}, even with the right password. Ask whoever "
                        "runs the workbench if you need in sooner.",
                    )
            counts, locks_now = [], False
            for key in keys:
                recent = [f for f in self._failures.get(key, []) if now - f[0] < self.window_s]
                recent.append((now, client))
                self._failures[key] = recent
                counts.append(len(recent))
                if len(recent) >= self.lock_after:
                    self._locked_until[key] = now + self.lock_s
                    self._at_lock[key] = recent
                    self._failures[key] = []  # counted afresh once the lock ends
                    locks_now = True
            n = max(counts)
            return Attempt(
                client,
                account_key,
                delay=min(MAX_DELAY_S, 0.25 * 2 ** (n - 1)),
                locks_now=locks_now,
                at=now,
            )

    def failed(self, attempt: Attempt) -> float:
        """Log the failed ``attempt`` (already counted by ``begin``); return the delay to impose
        before answering."""
        with self._lock:
            keys = self._keys(attempt.client, attempt.account)
            n = max(len(self._failures.get(k, [])) for k in keys)
        who = (
            attempt.client
            if attempt.account is None
            else (f"{attempt.client}, account {attempt.account or '(the shared password)'}")
        )
        if attempt.locks_now:
            LOG.warning(
                "sign-in: %d failed attempts (%s); locked out for %d minutes",
                max(n, self.lock_after),
                who,
                self.lock_s // 60,
            )
        else:
            LOG.warning("sign-in: failed attempt %d (%s)", n, who)
        return attempt.delay

    def succeeded(self, attempt: Attempt) -> None:
        """The right password was given by an admitted attempt: forget the failures its own
        client made (on the client and on the account), and lift a lock this attempt's own count
        set. Other clients' failures on the account stay counted, so a member signing in does
        not hand a guesser elsewhere a fresh allowance."""
        with self._lock:
            for key in self._keys(attempt.client, attempt.account):
                if self._locked_until.get(key, 0) == attempt.at + self.lock_s:
                    self._locked_until.pop(key, None)
                    self._failures[key] = self._at_lock.pop(key, [])
                kept = [f for f in self._failures.get(key, []) if f[1] != attempt.client]
                if kept:
                    self._failures[key] = kept
                else:
                    self._failures.pop(key, None)
        LOG.info("sign-in: success from %s", attempt.client)


# --- who the client is ----------------------------------------------------------------------------
def parse_networks(values: Iterable[str] | str | None) -> list[Network] | None:
    """Return the networks in ``values`` (addresses, CIDR ranges; ``*`` gives None: all)."""
    if values is None:
        return []
    items = values.split(",") if isinstance(values, str) else list(values)
    nets: list[Network] = []
    for item in (str(i).strip() for i in items):
        if not item:
            continue
        if item == "*":
            return None
        try:
            nets.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            LOG.warning("sign-in: '%s' is not an address or network; ignored", item[:60])
    return nets


def trusted_proxies(setting: object = None) -> list[Network] | None:
    """Return the proxies whose forwarding headers are believed: $QDA_TRUSTED_PROXIES, else the
    ``setting`` (``[auth] trusted_proxies``); default none (an empty list)."""
    env = os.environ.get(TRUSTED_PROXIES_ENV)
    if env is not None and env.strip():
        return parse_networks(env)
    if isinstance(setting, str):
        return parse_networks(setting)
    if isinstance(setting, Iterable):
        return parse_networks([str(s) for s in setting])
    return []


def server_trusted() -> list[Network] | None:
    """Return the addresses the web server (uvicorn) takes X-Forwarded-For from: its
    $FORWARDED_ALLOW_IPS, by default loopback."""
    return parse_networks(os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1"))


def _in(address: str, nets: list[Network] | None) -> bool:
    if nets is None:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in n for n in nets)


def _covers(ours: list[Network] | None, theirs: list[Network] | None) -> bool:
    """Return True when every address ``theirs`` trusts is one ``ours`` trusts too."""
    if ours is None:
        return True
    if theirs is None:
        return False
    return all(
        any(t.version == o.version and t.subnet_of(o) for o in ours)  # type: ignore[arg-type]
        for t in theirs
    )


def _forwarded_header(headers: Mapping[str, str] | None) -> str:
    """Return every X-Forwarded-For value joined with commas ('' when there is none)."""
    if not headers:
        return ""
    get_all = getattr(headers, "get_all", None)
    values = get_all("X-Forwarded-For") if callable(get_all) else None
    if values is None:
        value = headers.get("X-Forwarded-For") or headers.get("x-forwarded-for")
        values = [value] if value else []
    return ",".join(str(v) for v in values)


def _host(entry: str) -> str:
    """Return the address in one X-Forwarded-For entry (without a port or brackets)."""
    entry = entry.strip()
    if entry.startswith("[") and "]" in entry:
        return entry[1 : entry.index("]")]
    if entry.count(":") == 1:
        return entry.split(":", 1)[0]
    return entry


def client_key(
    reported: str | None,
    headers: Mapping[str, str] | None,
    trusted: list[Network] | None,
    server: list[Network] | None = None,
) -> str:
    """Return who is signing in: the address of the browser as far as it can be believed.

    ``reported`` is the address the web server gives (Streamlit: None on loopback); uvicorn has
    already replaced it with an address from X-Forwarded-For when the connection came from one
    of ``server``'s addresses. A forwarding header is believed only through proxies in
    ``trusted``; when the server may have rewritten the address and ``trusted`` does not cover
    the proxies it believes, every such client is one client (rotating the header changes
    nothing).
    """
    peer = reported or "127.0.0.1"
    header = _forwarded_header(headers)
    chain = [h for h in (_host(e) for e in header.split(",")) if h]
    if not chain:
        return peer
    # the server rewrote the address only when it came from one of its proxies, and then to
    # something from the header: an address absent from the header is the real one
    rewritten = peer in header and (server is None or bool(server))
    if rewritten:  # the real peer is one of the server's proxies: which, nobody can tell
        if not _covers(trusted, server):
            return UNTRUSTED_FORWARDING
    elif not _in(peer, trusted):
        return peer  # the header came from the browser itself (or an unnamed proxy)
    for address in reversed(chain):
        if not _in(address, trusted):
            return address[:MAX_ACCOUNT_CHARS]
    return chain[0][:MAX_ACCOUNT_CHARS]
