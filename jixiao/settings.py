"""Django settings for Jixiao.

Everything comes from environment variables with safe defaults (DESIGN.md, style): with nothing
set, Jixiao uses a SQLite file `jixiao.sqlite3` in the working directory, generates a secret key
beside the database on first use, allows only localhost, and keeps DEBUG off.
"""

import os
import secrets
import tempfile
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{Path.cwd() / 'jixiao.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets readers go on while a deadline-night import writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests use a file, not memory, so that concurrent transactions behave as in production.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get(
            "JIXIAO_TEST_SQLITE",
            str(Path(tempfile.gettempdir()) / f"jixiao-test-{os.getpid()}.sqlite3"),
        ),
    }
elif _env_bool("JIXIAO_PG_PREPARED", True):
    # PostgreSQL planned every statement anew: the values went inlined in the SQL text (psycopg's
    # client-side binding, Django's default), so no two texts were alike. Planning was three
    # times the statements' execution over the deadline peak's requests. Sent apart from the
    # SQL, the values let psycopg prepare a statement once a connection has run it twice, and
    # PostgreSQL then plans it once for its values, or reuses a generic plan
    # (docs/performance.md). Behind a PgBouncer older than 1.21 in transaction mode, which
    # does not carry prepared statements across connections, set JIXIAO_PG_PREPARED=0.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 2}
    )


def _data_dir() -> Path:
    """Where files that belong with the database live (secret key, uploads)."""
    name = DATABASES["default"].get("NAME") or ""
    if DATABASES["default"]["ENGINE"].endswith("sqlite3") and name not in ("", ":memory:"):
        return Path(name).resolve().parent
    return Path(os.environ.get("JIXIAO_DATA_DIR", Path.cwd()))


def _secret_key() -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = _data_dir() / ".jixiao-secret-key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(50)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(key)
            path.chmod(0o600)
        except OSError:
            pass  # read-only place: a per-process key still lets the CLI run
        return key


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DEBUG")
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
if _env_bool("BEHIND_HTTPS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Browsers keep to HTTPS for a year once they have seen the site over it (docs/deploy.md).
    SECURE_HSTS_SECONDS = int(os.environ.get("JIXIAO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("JIXIAO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = _env_bool("JIXIAO_HSTS_PRELOAD")
    if not SECURE_HSTS_PRELOAD:
        # Preload lists are for public sites; a bureau's intranet host opts in deliberately.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
# A plain-HTTP request is redirected to HTTPS (behind the proxy: when it says X-Forwarded-Proto
# is http). On by default behind an HTTPS proxy; JIXIAO_HTTPS_REDIRECT=0 leaves it to the proxy.
SECURE_SSL_REDIRECT = _env_bool("JIXIAO_HTTPS_REDIRECT", _env_bool("BEHIND_HTTPS_PROXY"))

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "jixiao.core",
    "jixiao.orgs",
    "jixiao.budgets",
    "jixiao.indicators",
    "jixiao.targets",
    "jixiao.monitoring",
    "jixiao.evaluations",
    "jixiao.surveys",
    "jixiao.results",
    "jixiao.reports",
    "jixiao.api",
    "jixiao.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "jixiao.core.middleware.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "jixiao.core.middleware.BearerTokenMiddleware",
    "jixiao.core.middleware.SessionTimeoutMiddleware",
    "jixiao.core.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "jixiao.orgs.middleware.AccountGateMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "jixiao.shell.work.WorkContextMiddleware",
]

ROOT_URLCONF = "jixiao.urls"
WSGI_APPLICATION = "jixiao.wsgi.application"
AUTH_USER_MODEL = "orgs.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

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
                "jixiao.core.context.menu",
                "jixiao.shell.work.work_context",
            ],
        },
    }
]

# --- security (DOMAIN.md §11: 等保 2.0 level 3 expectations) -------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "jixiao.core.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "jixiao.core.passwords.CharacterClassValidator"},
    {"NAME": "jixiao.core.passwords.RepeatedCharacterValidator"},
    {"NAME": "jixiao.core.passwords.UsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "jixiao.orgs.passwords.PasswordHistoryValidator", "OPTIONS": {"keep": 5}},
]
# Lockout per account name and source address: after MAX_FAILURES failures in a row, that
# name is refused from that address for LOCK_MINUTES, doubling at each new lock up to MAX.
JIXIAO_LOGIN_MAX_FAILURES = int(os.environ.get("JIXIAO_LOGIN_MAX_FAILURES", "5"))
JIXIAO_LOGIN_LOCK_MINUTES = int(os.environ.get("JIXIAO_LOGIN_LOCK_MINUTES", "15"))
JIXIAO_LOGIN_LOCK_MAX_MINUTES = int(os.environ.get("JIXIAO_LOGIN_LOCK_MAX_MINUTES", "1440"))
JIXIAO_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("JIXIAO_PASSWORD_MAX_AGE_DAYS", "90"))
# Passwords are stored with Argon2id at OWASP's recommended cost (orgs/hashers.py says why);
# hashes of the other kinds still sign in and are rewritten to Argon2id at that sign-in.
JIXIAO_ARGON2_MEMORY_KIB = int(os.environ.get("JIXIAO_ARGON2_MEMORY_KIB", "19456"))
JIXIAO_ARGON2_TIME_COST = int(os.environ.get("JIXIAO_ARGON2_TIME_COST", "2"))
PASSWORD_HASHERS = [
    "jixiao.orgs.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# A second factor (TOTP) for the privileged roles: when required, such an account enrols an
# authenticator app before anything else; any account that enrolled one gives its code at sign-in.
JIXIAO_REQUIRE_TOTP = _env_bool("JIXIAO_REQUIRE_TOTP")
JIXIAO_TOTP_ROLES = tuple(
    role.strip()
    for role in os.environ.get("JIXIAO_TOTP_ROLES", "admin,auditor,budget,performance").split(",")
    if role.strip()
)
# Idle timeout: the session ends after this many seconds without a request.
JIXIAO_SESSION_IDLE_SECONDS = int(os.environ.get("JIXIAO_SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_COOKIE_AGE = 12 * 3600
# Django's database sessions and ModelBackend, each reading its one row per request with SQL
# compiled once a process (core/sessions.py, orgs/backends.py): a sign-out, a deactivation or a
# password change still ends the session in every worker at its next request.
SESSION_ENGINE = "jixiao.core.sessions"
# ModelBackend stays listed for the sessions signed in before (their user is read through it);
# UserBackend signs everyone in, and a refused password stops there (one hash, not two).
AUTHENTICATION_BACKENDS = [
    "jixiao.orgs.backends.UserBackend",
    "django.contrib.auth.backends.ModelBackend",
]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# No inline script anywhere (tests/test_security_headers.py checks the templates): behaviours
# live in static/jixiao/*.js. Styles may be inline (style= attributes, the charts' tooltips).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- uploads and imports: a hostile file must not exhaust memory -----------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
JIXIAO_IMPORT_MAX_BYTES = int(os.environ.get("JIXIAO_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
JIXIAO_IMPORT_MAX_UNZIPPED_BYTES = int(
    os.environ.get("JIXIAO_IMPORT_MAX_UNZIPPED_BYTES", str(200 * 1024 * 1024))
)
JIXIAO_IMPORT_MAX_ROWS = int(os.environ.get("JIXIAO_IMPORT_MAX_ROWS", "200000"))
JIXIAO_IMPORT_MAX_COLUMNS = 200
# What a JSON file may hold, counted before it is parsed (2.3 million tiny objects once took
# 1.5 GB); the cells a worksheet may lay out densely for the fast reader (a 5 KB sheet can ask
# for billions); the problems listed for one file (the rest are counted).
JIXIAO_IMPORT_MAX_JSON_OBJECTS = int(os.environ.get("JIXIAO_IMPORT_MAX_JSON_OBJECTS", "250000"))
JIXIAO_IMPORT_MAX_JSON_VALUES = int(os.environ.get("JIXIAO_IMPORT_MAX_JSON_VALUES", "1000000"))
JIXIAO_IMPORT_MAX_JSON_DEPTH = 32
# (calamine holds about 100 bytes a cell: a larger sheet is read by openpyxl, slower but
# streaming)
JIXIAO_IMPORT_MAX_DENSE_CELLS = int(os.environ.get("JIXIAO_IMPORT_MAX_DENSE_CELLS", "1000000"))
JIXIAO_IMPORT_MAX_PROBLEMS = 100
# A large targets file is read (its archive checked, its sheets and forms read) in a second
# process while this one checks and writes what was read (jixiao.core.readahead): from this
# many bytes of file (about 1,300 declarations), on a machine of two cores or more; "off" never,
# "0" every file. Each file read ahead costs about 0.15 s more CPU (the fork, pickling): a
# district's file of 400 declarations (1.2 MB) gained 7% of wall time for 35% more CPU in the
# province pipeline, so it is read in one process; 2,000 declarations gain a quarter of theirs.
_READ_AHEAD = os.environ.get(
    "JIXIAO_IMPORT_READ_AHEAD_BYTES", str(4 * 1024 * 1024) if (os.cpu_count() or 1) >= 2 else "off"
)
JIXIAO_IMPORT_READ_AHEAD_BYTES = None if _READ_AHEAD == "off" else int(_READ_AHEAD)
# A payment file that changes at least this many projects has their alerts judged and planned
# in a second process while the import writes the payments (monitoring.payments): 8,000 (20
# districts) gained 15% of wall time on a quiet machine for a tenth more CPU; "off" never. Only
# where reading ahead is on (a threaded web worker and one core never fork).
_ALERTS_AHEAD = os.environ.get("JIXIAO_PAYMENT_ALERTS_AHEAD_PROJECTS", "8000")
JIXIAO_PAYMENT_ALERTS_AHEAD_PROJECTS = None if _ALERTS_AHEAD == "off" else int(_ALERTS_AHEAD)
# Supporting files: what a zip-based one (docx, xlsx …) may inflate to, in total, and as a
# multiple of its own size once past the ratio's floor (small files inflate freely).
JIXIAO_ATTACHMENT_MAX_UNZIPPED_BYTES = int(
    os.environ.get("JIXIAO_ATTACHMENT_MAX_UNZIPPED_BYTES", str(200 * 1024 * 1024))
)
JIXIAO_ATTACHMENT_MAX_ZIP_RATIO = int(os.environ.get("JIXIAO_ATTACHMENT_MAX_ZIP_RATIO", "100"))
JIXIAO_ATTACHMENT_ZIP_RATIO_FLOOR = 10 * 1024 * 1024
MEDIA_ROOT = Path(os.environ.get("JIXIAO_MEDIA_ROOT", _data_dir() / "media"))
MEDIA_URL = "/media/"

# --- language and time -----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static files: served by the app itself, never a CDN -----------------------------------
STATIC_URL = "/static/"
# Served from the app's own directories through WhiteNoise's finders; set JIXIAO_STATIC_ROOT
# only to run `collectstatic` for a reverse proxy that serves /static/ itself.
STATIC_ROOT = os.environ.get("JIXIAO_STATIC_ROOT") or None
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_MAX_LIMIT = 500
JIXIAO_TRUST_X_REAL_IP = _env_bool("JIXIAO_TRUST_X_REAL_IP")

# --- background jobs (core/jobs.py, docs/deploy.md) -------------------------------------------
# Long work (the summary, large exports) runs as a job on Django's tasks framework. The default
# backend keeps the queue in the database (no extra service; workers on several machines share
# it through PostgreSQL): `jixiao serve` starts one worker, `jixiao worker` runs more.
# JIXIAO_TASKS_BACKEND names another backend by its dotted path (a Celery or RQ backend of
# django-tasks, or django_tasks.backends.immediate.ImmediateBackend to run jobs in the request).
JIXIAO_TASKS_QUEUE = "jixiao"
TASKS = {
    "default": {
        "BACKEND": os.environ.get("JIXIAO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": [JIXIAO_TASKS_QUEUE],
    }
}

# --- the figures cache (reports/figures_cache.py, docs/deploy.md) -----------------------------
# The figures of a work year are cached by region, year and data version. JIXIAO_CACHE: "locmem"
# (the default: each process its own), "database" (one cache shared by every web node through the
# database; create its table once with `jixiao createcachetable`) or a redis:// URL (Django's
# RedisCache; needs the redis package).
_cache = os.environ.get("JIXIAO_CACHE", "locmem")
if _cache == "database":
    _cache_backend = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "jixiao_cache",
    }
elif _cache.startswith(("redis://", "rediss://")):
    _cache_backend = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache}
else:
    _cache_backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "jx"}
CACHES = {"default": _cache_backend}
JIXIAO_FIGURES_CACHE = "default"
JIXIAO_FIGURES_CACHE_SECONDS = int(os.environ.get("JIXIAO_FIGURES_CACHE_SECONDS", "3600"))

# --- webhooks of the change feed (jixiao/api/webhooks.py, docs/api.md) ---------------------------
# Receivers on private, loopback or reserved addresses are refused, except in the networks the
# administrator names here (comma-separated, e.g. "10.20.0.0/16" for a receiver inside the
# bureau's network).
JIXIAO_WEBHOOK_PRIVATE_NETWORKS = [
    n.strip() for n in os.environ.get("JIXIAO_WEBHOOK_PRIVATE_NETWORKS", "").split(",") if n.strip()
]
