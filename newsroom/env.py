"""Small, strict readers for environment variables.

Each helper rejects a malformed value with a message that names the variable, so a typo in
production fails at start instead of silently running with a default.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}.")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Turn ``postgres://user:pass@host:port/name`` (or ``sqlite:///path``) into a DATABASES entry."""
    parts = urlsplit(url)
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured("DATABASE_URL must name a database, e.g. postgres://user@host/newsroom.")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        if path.startswith("//") or path.startswith("/"):  # sqlite:////absolute/path
            path = path[1:]
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path or ":memory:",
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    raise ImproperlyConfigured(f"DATABASE_URL must start with postgres:// or sqlite://; got {parts.scheme or url!r}.")


_EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
}
_EMAIL_OPTIONS = {"tls", "ssl", "timeout"}


def email_from_url(url: str) -> dict:
    """Turn ``smtp://user:pass@host:587/?tls=1`` (or ``?ssl=1``, or ``console://``) into EMAIL_* settings.

    An empty URL means the console backend, so a local run needs no mail server.
    """
    if not url:
        return {"EMAIL_BACKEND": _EMAIL_BACKENDS["console"]}
    parts = urlsplit(url)
    if parts.scheme not in _EMAIL_BACKENDS:
        raise ImproperlyConfigured(f"EMAIL_URL must start with smtp:// or console://; got {parts.scheme or url!r}.")
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": _EMAIL_BACKENDS["console"]}
    options = {key: values[-1] for key, values in parse_qs(parts.query, keep_blank_values=True).items()}
    unknown = set(options) - _EMAIL_OPTIONS
    if unknown:
        raise ImproperlyConfigured(f"EMAIL_URL accepts only ?tls=1, ?ssl=1 and ?timeout=N; got {sorted(unknown)}.")
    flags = {}
    for key in ("tls", "ssl"):
        value = options.get(key, "0").strip().lower()
        if value not in _TRUE | _FALSE:
            raise ImproperlyConfigured(f"EMAIL_URL's {key} must be 1 or 0; got {value!r}.")
        flags[key] = value in _TRUE
    if flags["tls"] and flags["ssl"]:
        raise ImproperlyConfigured("EMAIL_URL cannot ask for both tls=1 (STARTTLS) and ssl=1 (implicit TLS).")
    try:
        port = parts.port or (465 if flags["ssl"] else 587 if flags["tls"] else 25)
        timeout = int(options.get("timeout", "10"))
    except ValueError:
        raise ImproperlyConfigured(f"EMAIL_URL has a malformed port or timeout: {url!r}.") from None
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL must name a host, e.g. smtp://user:pass@mail.example:587/?tls=1.")
    return {
        "EMAIL_BACKEND": _EMAIL_BACKENDS["smtp"],
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": flags["tls"],
        "EMAIL_USE_SSL": flags["ssl"],
        "EMAIL_TIMEOUT": timeout,
    }
