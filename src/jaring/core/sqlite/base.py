"""Django's SQLite backend, creating the database file's folder on the first connection (not at import)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db.backends.sqlite3 import base


def database_folder(name: Any) -> Path | None:
    """The folder a SQLite database name points into; None for an in-memory database."""
    text = str(name)
    if not text or text == ":memory:" or text.startswith("file:") or "mode=memory" in text:
        return None
    return Path(text).parent


class DatabaseWrapper(base.DatabaseWrapper):
    """The stock wrapper; only the folder of a file database is made when it is missing."""

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        folder = database_folder(conn_params.get("database", ""))
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
        return super().get_new_connection(conn_params)
