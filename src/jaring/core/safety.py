"""Refuse to serve with unsafe settings: no secret key outside debug mode."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

NO_KEY_MESSAGE = (
    "Tidak ada kunci rahasia: setel JARING_SECRET_KEY (atau jalankan `jaring demo` yang menulis"
    " var/secret_key); server tidak dijalankan.\n"
    "No secret key: set JARING_SECRET_KEY (or run `jaring demo`, which writes var/secret_key);"
    " the server does not start."
)


def unsafe_reason() -> str | None:
    """Why these settings must not serve, or None when they may."""
    if getattr(settings, "JARING_KEY_ORIGIN", "env") == "missing":
        return NO_KEY_MESSAGE
    return None


def refuse_if_unsafe() -> None:
    """Raise ImproperlyConfigured (both languages) when the settings are unsafe to serve."""
    reason = unsafe_reason()
    if reason:
        raise ImproperlyConfigured(reason)


def ensure_secret_key_file() -> bool:
    """Write a generated key to var/secret_key (mode 0600) unless one is set or exists; True if written."""
    import os
    import secrets

    if os.environ.get("JARING_SECRET_KEY", "").strip():
        return False
    path = settings.SECRET_KEY_FILE
    if path.exists():
        return False
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secrets.token_urlsafe(64) + "\n")
    return True
