"""Secret keys kept outside the database: from an environment variable, or a key file under var/keys/."""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

from django.conf import settings


def key_path(name: str) -> Path:
    """Where the key file of ``name`` lives (``var/keys/<name>.key``)."""
    return Path(settings.VAR_DIR) / "keys" / f"{name}.key"


def key_bytes(name: str, *, length: int = 32) -> bytes:
    """The key ``name``: ``JARING_<NAME>_KEY`` (base64) if set, else its key file (made 0600 at first use)."""
    env = os.environ.get(f"JARING_{name.upper()}_KEY")
    if env:
        return base64.urlsafe_b64decode(env.encode() + b"=" * (-len(env) % 4))
    path = key_path(name)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(base64.urlsafe_b64encode(secrets.token_bytes(length)).decode())
    return base64.urlsafe_b64decode(path.read_text().strip().encode())
