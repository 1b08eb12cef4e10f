"""Newsroom settings, read from the environment.

With nothing set, Newsroom runs locally: debug on, SQLite in var/, an embedded Celery broker
(kombu's filesystem transport) and a local-memory cache. See docs/deploy.md for production.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from newsroom.env import database_from_url, email_from_url, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("NEWSROOM_VAR_DIR") or BASE_DIR / "var")
# Third-party test material kept outside the repository (labelled real stories, outlines of the
# communes): read by train_classifier and build_map by default, and by the benchmarks. Unset: absent.
NEWSROOM_CORPORA = Path(env_str("NEWSROOM_CORPORA")) if env_str("NEWSROOM_CORPORA") else None

DEBUG = env_bool("DJANGO_DEBUG", True)
TESTING = "pytest" in sys.modules or env_bool("NEWSROOM_TESTING", False)

if DEBUG:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY") or "local-only-insecure-key-never-use-in-production-0123456789"
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
else:
    _missing = [name for name in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS") if not env_str(name)]
    if _missing:
        raise ImproperlyConfigured(
            "Production mode (DJANGO_DEBUG=0) needs " + " and ".join(_missing) + ". Set it in the environment."
        )
    SECRET_KEY = env_str("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "axes",
    "localities",
    "articles",
    "elections",
    "subscriptions",
    "pictures",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "newsroom.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
# Tests that start real worker processes need a test database those processes can open too, so
# SQLite tests use a file, not memory. Parallel runs pick their own name.
_test_db_name = env_str("NEWSROOM_TEST_DB_NAME")
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"{_test_db_name or 'test'}.sqlite3")}
elif _test_db_name:
    DATABASES["default"]["TEST"] = {"NAME": _test_db_name}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and broker -----------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Falls back to "no cache" when Redis is down, so pages keep answering.
            "BACKEND": "newsroom.cache.FailSafeRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("NEWSROOM_CACHE_PREFIX", "newsroom"),
            "TIMEOUT": 300,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "newsroom"}}

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or REDIS_URL or "filesystem://"
BROKER_IS_EMBEDDED = CELERY_BROKER_URL.startswith("filesystem://")
BROKER_DIR = Path(env_str("NEWSROOM_BROKER_DIR") or VAR_DIR / "broker")
if BROKER_IS_EMBEDDED:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
    # The filesystem transport has no fan-out exchange, so remote control cannot work.
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # With acks_late, a task whose worker died is redelivered after this many seconds.
        "visibility_timeout": env_int("NEWSROOM_VISIBILITY_TIMEOUT", 600, minimum=30),
        # ...found by a sweep every this many seconds (kombu's default: every 10th call, 10 s apart).
        "unacked_restore_interval": env_int("NEWSROOM_BROKER_RESTORE_SECONDS", 100, minimum=1),
        "unacked_restore_throttle": 1,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TIMEZONE = "Europe/Paris"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "articles.tasks.heartbeat", "schedule": 60.0},
    # Ingestion: queue the sources that are due, oldest first (articles.tasks.dispatch_due_sources).
    "dispatch-due-sources": {"task": "articles.tasks.dispatch_due_sources", "schedule": 60.0},
    # The desk teaches the classifier: retrain once enough editors' examples came in (articles.classify.training).
    "retrain-classifier": {"task": "articles.tasks.retrain_classifier", "schedule": 3600.0},
    # Subscribers (subscriptions/): digests at each one's hour, keyword alerts within minutes.
    "send-digests": {"task": "subscriptions.tasks.send_digests", "schedule": 60.0},
    "send-alerts": {"task": "subscriptions.tasks.send_alerts", "schedule": 60.0},
}

# --- I18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded and generated files (thumbnails, pictures/): local folder, served by pictures.views.media
# with long cache headers. Another Django storage backend can replace "default" in production.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("NEWSROOM_MEDIA_ROOT") or VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Security -------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
NEWSROOM_CSP = env_str(
    "NEWSROOM_CSP",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'",
)
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
    _proxy_header = env_str("DJANGO_SECURE_PROXY_SSL_HEADER")
    if _proxy_header:
        # e.g. "HTTP_X_FORWARDED_PROTO,https" behind a TLS-terminating proxy.
        _name, _, _value = _proxy_header.partition(",")
        if not _value:
            raise ImproperlyConfigured("DJANGO_SECURE_PROXY_SSL_HEADER must look like 'HTTP_X_FORWARDED_PROTO,https'.")
        SECURE_PROXY_SSL_HEADER = (_name.strip(), _value.strip())

# Login rate limit for the admin (django-axes): lock after 5 failures for 15 minutes.
AXES_ENABLED = env_bool("NEWSROOM_AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("NEWSROOM_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = 0.25  # hours
# Each parameter locks on its own: an address after 5 failures, and an account after 5 failures from
# anywhere, so guessing from rotating addresses gets nowhere. A locked-out editor waits 15 minutes or
# an administrator runs `manage.py axes_reset_username <name>`.
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True

PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if TESTING
    else [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.ScryptPasswordHasher",
    ]
)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO").upper()},
    "loggers": {"django.db.backends": {"level": "INFO"}, "axes": {"level": "WARNING"}},
}

# --- Newsroom -------------------------------------------------------------------------------
NEWSROOM_SITE_NAME = env_str("NEWSROOM_SITE_NAME", "Newsroom Thau")
NEWSROOM_CONTACT_URL = env_str("NEWSROOM_CONTACT_URL", "https://newsroom.example/contact")
NEWSROOM_USER_AGENT = env_str("NEWSROOM_USER_AGENT", f"Newsroom/0.1 (local news aggregator; +{NEWSROOM_CONTACT_URL})")
# Fetching from loopback/private addresses is refused unless this is on (demo and tests only).
NEWSROOM_ALLOW_PRIVATE_FETCH = env_bool("NEWSROOM_ALLOW_PRIVATE_FETCH", False)
# A worker whose last heartbeat is older than this is reported stale by /healthz.
NEWSROOM_HEARTBEAT_STALE_SECONDS = env_int("NEWSROOM_HEARTBEAT_STALE_SECONDS", 300, minimum=60)

# Ingestion (articles/ingest/): how many due sources one dispatcher run queues, how many requests may
# go to one host at once, and how many entries one poll stores.
NEWSROOM_DISPATCH_BATCH = env_int("NEWSROOM_DISPATCH_BATCH", 2000, minimum=1)
NEWSROOM_FETCH_PER_HOST = env_int("NEWSROOM_FETCH_PER_HOST", 2, minimum=1)
# Polling at internet latency: fetch threads per worker process (each holds a database connection
# while it polls; SQLite takes one writer at a time), sources per poll task, sources of one host per
# dispatcher run.
NEWSROOM_FETCH_THREADS = env_int(
    "NEWSROOM_FETCH_THREADS", 4 if DATABASES["default"]["ENGINE"].endswith("sqlite3") else 16, minimum=1
)
NEWSROOM_POLL_BATCH = env_int("NEWSROOM_POLL_BATCH", 32, minimum=1)
NEWSROOM_DISPATCH_PER_HOST = env_int("NEWSROOM_DISPATCH_PER_HOST", 100, minimum=1)
NEWSROOM_MAX_ENTRIES = env_int("NEWSROOM_MAX_ENTRIES", 500, minimum=1)
# A listing page larger than this is refused before it is parsed: building the tree of a 10 MiB page
# costs a worker process about 20 s of CPU, and the largest real listing page we hold is 1.1 MiB.
NEWSROOM_SCRAPE_MAX_BYTES = env_int("NEWSROOM_SCRAPE_MAX_BYTES", 5 * 1024 * 1024, minimum=64 * 1024)
# A fetch gives up after this many seconds in all. On SQLite a poll's lease (a column) expires after
# NEWSROOM_LEASE_SECONDS, far above a fetch plus its store, so that a killed worker's source is polled again.
NEWSROOM_FETCH_TOTAL_TIMEOUT = env_int("NEWSROOM_FETCH_TOTAL_TIMEOUT", 20, minimum=1)
NEWSROOM_LEASE_SECONDS = env_int("NEWSROOM_LEASE_SECONDS", 120, minimum=1)

# Classification: how often (seconds) each process checks whether aliases or section rules were edited.
NEWSROOM_GAZETTEER_REFRESH_SECONDS = env_int("NEWSROOM_GAZETTEER_REFRESH_SECONDS", 2, minimum=0)
NEWSROOM_CLASSIFY_REFRESH_SECONDS = env_int("NEWSROOM_CLASSIFY_REFRESH_SECONDS", 2, minimum=0)
# The hourly retraining runs once this many editors' examples came in since the last training run.
NEWSROOM_RETRAIN_MIN_EXAMPLES = env_int("NEWSROOM_RETRAIN_MIN_EXAMPLES", 50, minimum=1)

# Timelines: how long built pages and feeds stay cached (a new story invalidates them at once).
NEWSROOM_TIMELINE_CACHE_SECONDS = env_int("NEWSROOM_TIMELINE_CACHE_SECONDS", 60, minimum=0)
NEWSROOM_FEED_CACHE_SECONDS = env_int("NEWSROOM_FEED_CACHE_SECONDS", 300, minimum=0)
# Feeds give one item per event (its lead version, with a guid that stays when outlets join);
# NEWSROOM_FEED_VERSIONS=1 gives one item per article instead, as does ?versions=1 on a feed URL.
NEWSROOM_FEED_VERSIONS = env_bool("NEWSROOM_FEED_VERSIONS", False)

# Email (subscriptions/): EMAIL_URL such as smtp://user:pass@host:587/?tls=1; unset, the console backend.
EMAIL_URL = env_str("EMAIL_URL")
globals().update(email_from_url(EMAIL_URL))
NEWSROOM_EMAIL_FROM = env_str("NEWSROOM_EMAIL_FROM", "Newsroom Thau <ne-pas-repondre@newsroom.example>")
DEFAULT_FROM_EMAIL = NEWSROOM_EMAIL_FROM
# Absolute links in emails (confirm, manage, unsubscribe) start with this; in production it defaults
# to https:// and the first allowed host, never to a loopback address.
_site_default = "http://127.0.0.1:8000" if DEBUG else f"https://{ALLOWED_HOSTS[0].lstrip('.')}"
NEWSROOM_SITE_URL = env_str("NEWSROOM_SITE_URL", _site_default).rstrip("/")

os.makedirs(STATIC_ROOT, exist_ok=True)  # also creates VAR_DIR

# Coverage at a glance (pictures/coverage.py): a commune with no article for this many days is "silent".
NEWSROOM_SILENT_COMMUNE_DAYS = env_int("NEWSROOM_SILENT_COMMUNE_DAYS", 3, minimum=1)
