"""One settings module, driven by environment variables (healthchecks-style strict helpers).

Variables: ``COUNTYWORKS_DATA_DIR`` (default ``var/``), ``DATABASE_URL`` (default SQLite in the
data dir, WAL mode), ``REDIS_URL`` (queue and cache; default SQLite-backed huey and local-memory
cache), ``MQTT_URL``, ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``DEBUG``, ``COUNTYWORKS_DEMO``,
``TRUSTED_PROXY_COUNT`` (reverse proxies in front of the web server), ``SECURE_COOKIES``,
``SECURE_HSTS_SECONDS``, ``API_TOKEN_TTL_DAYS``; for a replicated PostgreSQL ``DATABASE_URL`` may list
several hosts, ``DATABASE_REPLICA_URL`` adds a standby for reads and ``REPLICA_PIN_SECONDS`` says how
long a client that wrote keeps reading from the primary; see docs/operations.md.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from countyworks.core.dburl import parse_database_url

#: The demo secret key: ``countyworks serve`` refuses to start with it.
DEMO_SECRET_KEY = "countyworks-demo-insecure-secret-key-change-me"  # noqa: S105


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean; anything but true/false/1/0/yes/no raises (no silent misconfiguration)."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    """Read a whole number not below ``minimum``; anything else raises."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def env_str(name: str, default: str) -> str:
    """Read a string, or the content of the file named by ``<NAME>_FILE`` (container secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("COUNTYWORKS_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env_str("SECRET_KEY", DEMO_SECRET_KEY)
if not SECRET_KEY.strip():
    raise ImproperlyConfigured(
        "SECRET_KEY (or the file SECRET_KEY_FILE names) is empty: set it to a random value of at least "
        "50 characters (python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
        "or unset it to run the demo"
    )
DEBUG = env_bool("DEBUG", False)
DEMO_MODE = env_bool("COUNTYWORKS_DEMO", False)
#: Set by ``countyworks serve`` for its gunicorn workers: production defaults (HSTS, secure cookies).
SERVING = env_bool("COUNTYWORKS_SERVE", False)
#: pytest (≥ 8.2) sets PYTEST_VERSION for the whole session: tests run the queue eagerly.
TESTING = env_bool("COUNTYWORKS_TESTING", "PYTEST_VERSION" in os.environ)
ALLOWED_HOSTS = [
    h.strip() for h in env_str("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()
]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in env_str("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

#: The installed programs, one line each: apps whose AppConfig is a ``ProgramConfig``
#: (docs/adding-a-program.md). A literal list: the CLI reads it without setting Django up.
PROGRAMS = [
    "countyworks.workflow",
    "countyworks.innovation",
    "countyworks.energy",
    "countyworks.parks",
    "countyworks.alliances",
    "countyworks.courtyards",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "axes",
    "huey.contrib.djhuey",
    # django-ninja's own copy of Swagger UI, served from static/ (no CDN: the CSP and an intranet forbid it).
    "ninja",
    "countyworks.core",
    *PROGRAMS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "countyworks.core.replicas.ReadYourWritesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "countyworks.core.middleware.ActiveRegionMiddleware",
    "countyworks.core.middleware.DatabaseUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "countyworks.urls"
WSGI_APPLICATION = "countyworks.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "countyworks.core.context_processors.shell",
                "countyworks.workflow.context_processors.bell",
            ],
        },
    }
]

# --- Database ---------------------------------------------------------------------------------
SQLITE_PATH = DATA_DIR / "countyworks.sqlite3"
DATABASES = {
    "default": parse_database_url(
        os.environ.get("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}", conn_max_age=60
    )
}
#: A standby for reads that tolerate lag (countyworks.core.replicas); tests run it on the default database.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **parse_database_url(DATABASE_REPLICA_URL, conn_max_age=60),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["countyworks.core.replicas.PrimaryReplicaRouter"]
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 5, minimum=1)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the in-process queue and telemetry write.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; "
            "PRAGMA cache_size=-65536;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Queue and cache --------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    HUEY = {
        # Several workers may run: each periodic task is claimed in Redis once per period.
        "huey_class": "countyworks.core.periodic.OncePerPeriodRedisHuey",
        "name": "countyworks",
        "url": REDIS_URL,
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    # Sessions read from Redis, written through to the database (a Redis restart logs nobody out).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "countyworks",
        "filename": str(DATA_DIR / "queue.sqlite3"),
        "immediate": TESTING,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

MQTT_URL = os.environ.get("MQTT_URL", "")

# --- Auth and security ------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Tests create many users; a fast hash keeps the suite quick (never used outside tests).
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = 8 * 3600  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-free meta tag; keep default
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
#: Under ``countyworks serve`` the site is served over HTTPS (TLS at the reverse proxy): cookies are
#: secure and HSTS is sent for a year unless these say otherwise (SECURE_HSTS_SECONDS=0 turns it off).
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", SERVING)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if SERVING else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)

#: Reverse proxies in front of ``countyworks serve`` that append to X-Forwarded-For (0: none, the
#: header is ignored). See ``countyworks.core.proxy``.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT:
    # The trusted proxy terminates TLS and says so; Django then sends HSTS and builds https:// links.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

#: API tokens expire this many days after they are created (``API_TOKEN_TTL_DAYS``).
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 90, minimum=1)

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
#: Failures count per username, from whatever address: behind a proxy or an office NAT every
#: client shares one address, so counting per address would let one person's typos (or one
#: attacker) lock everybody out. Per username + address is contained in per username.
AXES_LOCKOUT_PARAMETERS = ["username"]
#: axes.W006 asks for a per-address limit; that is exactly what locks a whole office out, so it is
#: left out on purpose (a password-spraying address is a job for the proxy's request limits).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_CLIENT_IP_CALLABLE = "countyworks.core.proxy.client_ip"
AXES_ENABLED = env_bool("AXES_ENABLED", not TESTING)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

#: Outbound notification senders of the workflow (dotted paths to classes implementing
#: ``countyworks.workflow.notify.Sender``); comma-separated in ``WORKFLOW_SENDERS``. SMS or 企业微信
#: gateways plug in here; the default only logs.
WORKFLOW_SENDERS = [
    s.strip()
    for s in env_str("WORKFLOW_SENDERS", "countyworks.workflow.notify.LogSender").split(",")
    if s.strip()
]

#: Uploads: size cap and accepted types (checked by content, not only by name).
UPLOAD_MAX_BYTES = 20 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MEDIA_ROOT = DATA_DIR / "uploads"
MEDIA_URL = "/media/"

# --- I18n ---------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING or DEMO_MODE
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING or DEMO_MODE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.server": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

SITE_TITLE = _("县域发展工作台")
