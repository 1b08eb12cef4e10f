"""Cleaning at ingest: sanitised HTML, plain-text titles, http(s) links without tracking."""

from __future__ import annotations

import contextlib
import html
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "em", "i", "li", "ol", "p", "pre", "q", "s",
    "strong", "sub", "sup", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
URL_SCHEMES = {"http", "https"}

TRACKING_PARAMS = {
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
    "_hsenc", "_hsmi", "mkt_tok", "xtor", "at_medium", "at_campaign", "at_creation", "at_platform",
    "ocid", "oly_enc_id", "oly_anon_id", "vero_id", "s_cid", "cmpid", "ref_src",
}  # fmt: skip
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")

_SPACES = re.compile(r"\s+")
# UTF-8 read as cp1252 ("Ã©", "â€™", "Â "): the signature of a double-encoded feed.
_MOJIBAKE = re.compile(
    "[\u00c2\u00c3\u00e2][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
)
# Control characters, non-characters and lone surrogates: never meant to be shown.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def repair_text(value: str) -> str:
    """Undo double encoding when the whole text decodes cleanly, and drop control characters."""
    if _MOJIBAKE.search(value):
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):  # mixed or genuine text: left as is
            value = _as_cp1252(value).decode("utf-8")
    return _CONTROL.sub("", value)


def _as_cp1252(text: str) -> bytes:
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1252")
        except UnicodeEncodeError:
            if ord(char) > 0xFF:
                raise
            out.append(ord(char))  # the five bytes cp1252 leaves undefined come through as C1 controls
    return bytes(out)


def clean_html(value: str, base: str = "") -> str:
    """Sanitise feed HTML with an allowlist; links get rel="noopener noreferrer nofollow".

    Relative links are made absolute against ``base`` (the entry's xml:base, or the page's URL),
    so an article's "lire la suite" still points at its source once shown on our pages.
    """
    if not value:
        return ""
    cleaned = nh3.clean(
        repair_text(value),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        attribute_filter=_LinkResolver(base) if base else None,
    )
    return cleaned.strip()


class _LinkResolver:
    """nh3 attribute filter: absolute http(s) hrefs, resolved against the base; others dropped."""

    __slots__ = ("base",)

    def __init__(self, base: str):
        self.base = base

    def __call__(self, tag: str, attribute: str, value: str) -> str | None:
        if attribute != "href":
            return value
        try:
            absolute = urljoin(self.base, value.strip())
            scheme = urlsplit(absolute).scheme.lower()
        except ValueError:
            return None
        return absolute if scheme in URL_SCHEMES else None


def plain_text(value: str, limit: int = 500) -> str:
    """Tags dropped, entities decoded (twice-escaped titles are common in feeds), spaces collapsed."""
    if not value:
        return ""
    value = repair_text(value)
    if "<" not in value and "&" not in value:  # most feed titles: nothing to strip or decode
        text = _SPACES.sub(" ", value).strip()
        return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
    text = nh3.clean(value, tags=set(), clean_content_tags={"script", "style"})
    for _ in range(2):
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    text = _SPACES.sub(" ", _CONTROL.sub("", text)).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def clean_url(value: str, base: str = "") -> str:
    """An absolute http(s) URL without tracking parameters or fragment, or "" if there is none."""
    value = (value or "").strip()
    if not value:
        return ""
    if base:
        value = urljoin(base, value)
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme.lower() not in URL_SCHEMES or not parts.hostname:
        return ""
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    default_port = {"http": 80, "https": 443}[parts.scheme.lower()]
    netloc = host if port in (None, default_port) else f"{host}:{port}"
    query = parts.query
    if query:
        kept = [
            (key, val)
            for key, val in parse_qsl(query, keep_blank_values=True)
            if key.lower() not in TRACKING_PARAMS and not key.lower().startswith(TRACKING_PREFIXES)
        ]
        query = urlencode(kept, doseq=True)
    url = urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", query, ""))
    return url if len(url) <= 2000 else ""
