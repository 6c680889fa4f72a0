"""Django settings for Jaring, read from environment variables (``JARING_*``)."""

from __future__ import annotations

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
SECRET_KEY = os.environ.get("JARING_SECRET_KEY", "dev-only-insecure-key-change-me-in-production")
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
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
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
    "jaring.maps",
    "jaring.reports",
    "jaring.agreements",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "jaring.core.middleware.RequestIdMiddleware",
    "jaring.auditlog.context.AuditActorMiddleware",
    "jaring.core.middleware.LoginRequiredMiddleware",
]

AUTHENTICATION_BACKENDS = [
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
JARING_MAX_UPLOAD_BYTES = int(os.environ.get("JARING_MAX_UPLOAD_BYTES", str(300 * 1024 * 1024)))


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

# Working-age limits used as warnings by validation; the programme rules set their own.
JARING_MIN_WORKING_AGE = int(os.environ.get("JARING_MIN_WORKING_AGE", "15"))
JARING_MAX_WORKING_AGE = int(os.environ.get("JARING_MAX_WORKING_AGE", "65"))
# From this many approved persons the plan pages compute a coverage plan as a background job.
JARING_PLAN_BACKGROUND_FROM = int(os.environ.get("JARING_PLAN_BACKGROUND_FROM", "50000"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("JARING_LOG_LEVEL", "WARNING")},
}
# Disclosure control: counts 1..k-1 are withheld from readers without person-level access (sponsors,
# the public, the OGC feed), with complementary cells so none can be worked out (core/lib/disclosure.py).
JARING_DISCLOSURE_K = int(os.environ.get("JARING_DISCLOSURE_K", "5"))
