"""Polite, bounded HTTP for ingestion.

One GET with conditional headers, at most 5 redirects followed by hand (each hop checked), a
streamed body limit, a total deadline, and a refusal of private addresses checked on the socket
actually connected to, so DNS rebinding cannot sneak past a check made on the name alone.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

MAX_REDIRECTS = 5
CONNECT_TIMEOUT = 10.0
MAX_BYTES = 15 * 1024 * 1024
CHUNK = 64 * 1024
REDIRECT_CODES = {301, 302, 303, 307, 308}
PERMANENT_REDIRECT_CODES = {301, 308}


class FetchError(Exception):
    """A fetch that failed, with a readable (French) reason and the HTTP status if there was one."""

    def __init__(self, message: str, *, status: int | None = None, retry_after: int | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class BlockedAddress(FetchError):
    pass


@dataclass
class FetchResult:
    url: str  # the final URL, after redirects
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    permanent_url: str | None = None  # set when every hop was a 301/308
    elapsed: float = 0.0

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def address_is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved or ip.is_unspecified
    )


def _check_peer(sock: socket.socket, host: str) -> None:
    if settings.NEWSROOM_ALLOW_PRIVATE_FETCH:
        return
    address = sock.getpeername()[0]
    if not address_is_public(address):
        sock.close()
        raise BlockedAddress(f"Adresse refusée : {host} pointe vers {address} (réseau privé ou réservé).")


class _GuardedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _check_peer(sock, self.host)
        return sock


class _GuardedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _check_peer(sock, self.host)
        return sock


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class _GuardedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}


_local = threading.local()


def _session() -> requests.Session:
    # One session per thread keeps connections alive between polls of the same host.
    session = getattr(_local, "session", None)
    if session is None:
        session = requests.Session()
        session.trust_env = False  # a proxy from the environment would hide the address we connect to
        adapter = _GuardedAdapter(pool_connections=20, pool_maxsize=4, max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        _local.session = session
    return session


def check_url(url: str) -> str:
    """Refuse non-http(s) URLs and hosts that are literally private addresses; return the host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise BlockedAddress(f"Adresse refusée : seul http ou https est accepté ({parts.scheme or 'aucun'}:).")
    host = parts.hostname
    if not host:
        raise BlockedAddress(f"Adresse refusée : pas de nom d’hôte dans {url!r}.")
    if not settings.NEWSROOM_ALLOW_PRIVATE_FETCH:
        try:
            if not address_is_public(host):
                raise BlockedAddress(f"Adresse refusée : {host} est une adresse privée ou réservée.")
        except ValueError:
            pass  # a name: the address actually connected to is checked on the socket
    return host


def _retry_after(value: str | None) -> int | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0, int(when.timestamp() - time.time()))


def total_timeout() -> float:
    """Seconds a whole fetch may take, redirects and body included (NEWSROOM_FETCH_TOTAL_TIMEOUT)."""
    return float(settings.NEWSROOM_FETCH_TOTAL_TIMEOUT)


def _request_headers(etag: str, last_modified: str) -> dict[str, str]:
    headers = {
        "User-Agent": settings.NEWSROOM_USER_AGENT,
        "Accept": "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, "
        "text/xml;q=0.9, text/html;q=0.8, */*;q=0.5",
        "Accept-Encoding": "gzip, deflate",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _get(url: str, headers: dict[str, str], deadline: float) -> requests.Response:
    """One hop: a streamed GET that follows no redirect, its failures turned into FetchError."""
    check_url(url)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchError(f"Délai dépassé : pas de réponse complète en {total_timeout():.0f} secondes.")
    try:
        return _session().get(
            url,
            headers=headers,
            stream=True,
            allow_redirects=False,
            timeout=(min(CONNECT_TIMEOUT, remaining), remaining),
        )
    except BlockedAddress:
        raise
    except requests.exceptions.ConnectionError as exc:
        blocked = _find_cause(exc, BlockedAddress)
        if blocked:
            raise blocked from None
        if isinstance(exc, requests.exceptions.ConnectTimeout):
            raise FetchError("Délai de connexion dépassé (10 secondes).") from None
        raise FetchError(f"Connexion impossible : {_short(exc)}") from None
    except requests.exceptions.Timeout:
        raise FetchError("Délai dépassé : le serveur ne répond pas.") from None
    except requests.exceptions.RequestException as exc:
        raise FetchError(f"Requête impossible : {_short(exc)}") from None


def fetch(url: str, *, etag: str = "", last_modified: str = "", max_bytes: int | None = None) -> FetchResult:
    """GET ``url`` politely. Raises FetchError with a readable reason; never returns a partial body."""
    max_bytes = max_bytes or MAX_BYTES
    started = time.monotonic()
    deadline = started + total_timeout()
    headers = _request_headers(etag, last_modified)
    permanent = True
    current = url
    for hop in range(MAX_REDIRECTS + 1):
        with _get(current, headers, deadline) as response:
            if response.status_code in REDIRECT_CODES and response.headers.get("Location"):
                if hop == MAX_REDIRECTS:
                    raise FetchError(f"Trop de redirections (plus de {MAX_REDIRECTS}).", status=response.status_code)
                permanent = permanent and response.status_code in PERMANENT_REDIRECT_CODES
                current = urljoin(current, response.headers["Location"])
                continue
            result = FetchResult(
                url=current,
                status=response.status_code,
                headers={key.lower(): value for key, value in response.headers.items()},
                permanent_url=current if permanent and current != url else None,
            )
            if response.status_code >= 400:
                raise FetchError(
                    f"Le serveur a répondu HTTP {response.status_code} {response.reason or ''}".strip() + ".",
                    status=response.status_code,
                    retry_after=_retry_after(response.headers.get("Retry-After")),
                )
            if response.status_code != 304:
                result.body = _read_body(response, deadline, max_bytes)
            result.elapsed = time.monotonic() - started
            return result
    raise AssertionError("unreachable")


def _read_body(response: requests.Response, deadline: float, max_bytes: int) -> bytes:
    declared = response.headers.get("Content-Length", "")
    encoded = response.headers.get("Content-Encoding", "").lower() not in ("", "identity")
    if declared.isdigit() and int(declared) > max_bytes and not encoded:
        raise FetchError(f"Réponse trop grosse : {int(declared)} octets annoncés, limite {max_bytes}.")
    chunks: list[bytes] = []
    size = 0
    try:
        # read1 returns what has arrived, so a server dripping bytes meets the deadline check;
        # counted after decompression, so a small gzip bomb stops at the limit too.
        while True:
            chunk = response.raw.read1(CHUNK, decode_content=True)
            if not chunk:
                break  # urllib3's read1 gives b"" only at the end of the body
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(f"Réponse trop grosse : plus de {max_bytes} octets, lecture interrompue.")
            if time.monotonic() > deadline:
                raise FetchError(f"Délai dépassé : le corps n’est pas arrivé en {total_timeout():.0f} secondes.")
            chunks.append(chunk)
    except FetchError:
        raise
    except Exception as exc:  # urllib3 read, decode and timeout errors all end the same way
        raise FetchError(f"Lecture interrompue : {_short(exc)}") from None
    return b"".join(chunks)


def _find_cause(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    seen = set()
    stack = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, kind):
            return current
        stack.extend([current.__cause__, current.__context__])
        stack.extend(arg for arg in current.args if isinstance(arg, BaseException))
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            stack.append(reason)
    return None


def _short(exc: BaseException) -> str:
    text = str(exc) or exc.__class__.__name__
    return text if len(text) < 300 else text[:297] + "…"
