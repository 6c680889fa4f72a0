"""Django settings for Jaring, read from environment variables (``JARING_*``)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from jaring.core.lib.env import env_bool

PACKAGE_DIR = Path(__file__).resolve().parent
# The home is JARING_HOME, else the folder the command runs in: the same rule for a checkout (`make demo`
# runs in it, so var/ sits in the checkout) and for a pip-installed wheel (never inside the virtualenv).
# Nothing is created here: the database folder on the first connection, the others where they are written.
HOME_DIR = Path(os.environ.get("JARING_HOME") or Path.cwd()).resolve()
VAR_DIR = Path(os.environ.get("JARING_VAR_DIR") or HOME_DIR / "var")


DEBUG = env_bool("JARING_DEBUG", False)
# The key signs sessions and CSRF tokens. From JARING_SECRET_KEY, else from var/secret_key (`jaring demo`
# writes one, mode 0600). Without either, a development key only with JARING_DEBUG=1; otherwise a random
# per-process key, and every serving command (serve, runserver, worker, the WSGI app) refuses to start.
SECRET_KEY_FILE = VAR_DIR / "secret_key"
JARING_KEY_ORIGIN = "env"
SECRET_KEY = os.environ.get("JARING_SECRET_KEY", "").strip()
if not SECRET_KEY:
    if SECRET_KEY_FILE.is_file():
        SECRET_KEY = SECRET_KEY_FILE.read_text(encoding="utf-8").strip()
        JARING_KEY_ORIGIN = "file"
    elif DEBUG:
        SECRET_KEY = "dev-only-insecure-key-change-me-in-production"  # noqa: S105 - JARING_DEBUG=1 only
        JARING_KEY_ORIGIN = "debug"
    else:
        import secrets as _secrets

        SECRET_KEY = _secrets.token_urlsafe(50)
        JARING_KEY_ORIGIN = "missing"
ALLOWED_HOSTS = [
    h for h in os.environ.get("JARING_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("JARING_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "jaring.core.admin_apps.JaringAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    # Listed so the API docs page serves Swagger UI from the package's static files, not from a CDN.
    "ninja",
    "jaring.core",
    "jaring.auditlog",
    "jaring.geo",
    "jaring.accounts",
    "jaring.registry",
    "jaring.imports",
    "jaring.collection",
    "jaring.review",
    "jaring.dedup",
    "jaring.programmes",
    "jaring.enrolment",
    "jaring.payments",
    "jaring.events",
    "jaring.maps",
    "jaring.reports",
    "jaring.agreements",
    "jaring.audit",
]

MIDDLEWARE = [
    # First: a body over JARING_MAX_UPLOAD_BYTES is answered 413 before anything reads it.
    "jaring.core.middleware.RequestBodyLimitMiddleware",
    "jaring.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "jaring.core.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "jaring.core.middleware.OtpRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "jaring.auditlog.context.AuditActorMiddleware",
    "jaring.core.middleware.LoginRequiredMiddleware",
    # Last (as django-axes asks): refuses requests from locked-out accounts and addresses.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: counts failed logins and refuses locked-out accounts and addresses (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Data stewards get the admin's model permissions from their role (see docs/roles.md).
    "jaring.accounts.backends.RoleBackend",
]

ROOT_URLCONF = "jaring.urls"
WSGI_APPLICATION = "jaring.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jaring.core.context_processors.jaring",
            ],
        },
    }
]

DATABASE_URL = os.environ.get("JARING_DATABASE_URL", f"sqlite:///{VAR_DIR / 'jaring.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The stock backend, plus: the database file's folder is made on the first connection.
    DATABASES["default"]["ENGINE"] = "jaring.core.sqlite"
    # WAL lets the web server read while the task worker writes; IMMEDIATE avoids
    # "database is locked" upgrades from read to write transactions.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;"
            " PRAGMA temp_store=MEMORY; PRAGMA cache_size=-200000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("JARING_TEST_SQLITE_NAME", "")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": os.environ.get("JARING_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Argon2id first (argon2-cffi); older hashes still verify and are upgraded at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"  # made by collectstatic (`jaring serve` runs it first)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
# Uploads go to disk past 2.5 MB; the import pipeline bounds the file itself.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
# A batch validating/committing whose process sent no heartbeat for this long is resumed by a worker.
JARING_IMPORT_LEASE_SECONDS = int(os.environ.get("JARING_IMPORT_LEASE_SECONDS", "300"))
# Most data rows one import may hold (bounded reading; split bigger files).
JARING_MAX_IMPORT_ROWS = int(os.environ.get("JARING_MAX_IMPORT_ROWS", "2000000"))
JARING_MAX_UPLOAD_BYTES = int(os.environ.get("JARING_MAX_UPLOAD_BYTES", str(100 * 1024 * 1024)))


def _package_static(module: str) -> Path | None:
    """The static/ folder shipped inside an installed package (JS/CSS from PyPI, never a CDN)."""
    import importlib.util

    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "static"
    return folder if folder.is_dir() else None


# Leaflet 1.9 comes from the django-leaflet wheel; only its static files are used (its admin needs GDAL).
STATICFILES_DIRS = [p for p in [_package_static("leaflet")] if p is not None]

# A finished batch keeps its upload copy this long (the issue report shows its cells); `jaring cleanup`.
JARING_UPLOAD_RETENTION_DAYS = int(os.environ.get("JARING_UPLOAD_RETENTION_DAYS", "30"))
# The data key whose fingerprint `jaring backup` records (never the key itself).
JARING_DATA_KEY_FILE = os.environ.get("JARING_DATA_KEY_FILE", str(VAR_DIR / "data.key"))
# Working-age limits used as warnings by validation; the programme rules set their own.
JARING_MIN_WORKING_AGE = int(os.environ.get("JARING_MIN_WORKING_AGE", "15"))
JARING_MAX_WORKING_AGE = int(os.environ.get("JARING_MAX_WORKING_AGE", "65"))
# From this many approved persons the plan pages compute a coverage plan as a background job.
# Day of the month a month's BPU premiums are due (paid in advance; unverified default).
JARING_BILL_DUE_DAY = int(os.environ.get("JARING_BILL_DUE_DAY", "15"))
JARING_PLAN_BACKGROUND_FROM = int(os.environ.get("JARING_PLAN_BACKGROUND_FROM", "50000"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("JARING_LOG_LEVEL", "WARNING")},
}

# --- serving --------------------------------------------------------------------------------------------
# `jaring serve`: gunicorn workers and threads per worker (flags override), and the graceful timeout.
JARING_WEB_WORKERS = int(os.environ.get("JARING_WEB_WORKERS", "2"))
JARING_WEB_THREADS = int(os.environ.get("JARING_WEB_THREADS", "4"))
JARING_WEB_TIMEOUT = int(os.environ.get("JARING_WEB_TIMEOUT", "120"))
JARING_GRACEFUL_TIMEOUT = int(os.environ.get("JARING_GRACEFUL_TIMEOUT", "30"))
# A task worker beats this often; a running job whose worker missed the lease is marked failed.
JARING_WORKER_HEARTBEAT_SECONDS = int(os.environ.get("JARING_WORKER_HEARTBEAT_SECONDS", "10"))
JARING_WORKER_LEASE_SECONDS = int(os.environ.get("JARING_WORKER_LEASE_SECONDS", "60"))

# --- transport security ---------------------------------------------------------------------------------
JARING_HTTPS = env_bool("JARING_HTTPS", False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if JARING_HTTPS:
    SECURE_SSL_REDIRECT = env_bool("JARING_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("JARING_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("JARING_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("JARING_HSTS_PRELOAD", True)
    # /healthz and /readyz answer plain HTTP probes from the host (load balancers, systemd).
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
if env_bool("JARING_BEHIND_PROXY", False):
    # Only behind a proxy that sets X-Forwarded-Proto itself and strips the client's (docs/operations.md).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- content security policy (django-csp): no inline script anywhere; JSON data blocks are not scripts ---
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        # Leaflet and Swagger UI set element styles from script; no inline <script> is allowed.
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
JARING_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(),"
    " payment=(), usb=(), interest-cohort=()"
)

# --- sessions, login throttling (django-axes) and the second factor (django-otp) ------------------------
# A session ends after this many idle seconds: every request pushes the expiry forward.
SESSION_COOKIE_AGE = int(os.environ.get("JARING_SESSION_IDLE_SECONDS", "1800"))
SESSION_SAVE_EVERY_REQUEST = True
# Failed logins (web, admin, API token) before an account or an address is locked out.
AXES_FAILURE_LIMIT = int(os.environ.get("JARING_LOGIN_FAILURE_LIMIT", "10"))
# Locked out until a data steward unlocks (admin "Access attempts", or `jaring axes_reset_username`),
# or after this many minutes (0: only a steward unlocks).
_lockout_minutes = int(os.environ.get("JARING_LOGIN_LOCKOUT_MINUTES", "60"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=_lockout_minutes) if _lockout_minutes else None
AXES_LOCKOUT_PARAMETERS = "jaring.accounts.lockout.lockout_parameters"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "jaring.accounts.lockout.locked_out"
AXES_IPWARE_PROXY_COUNT = 1 if env_bool("JARING_BEHIND_PROXY", False) else None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if env_bool("JARING_BEHIND_PROXY", False) else ["REMOTE_ADDR"]
)
OTP_TOTP_ISSUER = "Jaring"
# Disclosure control: counts 1..k-1 are withheld from readers without person-level access (sponsors,
# the public, the OGC feed), with complementary cells so none can be worked out (core/lib/disclosure.py).
JARING_DISCLOSURE_K = int(os.environ.get("JARING_DISCLOSURE_K", "5"))
