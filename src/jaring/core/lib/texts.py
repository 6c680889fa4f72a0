"""Stored texts in the reader's language: a model's ``texts`` JSON ({"id": {…}, "en": {…}}) over its fields.

Pure: the language is passed in (the template filter ``{{ obj|text:"notes" }}`` passes the request's).
"""

from __future__ import annotations

from typing import Any


def localized(obj: Any, field: str, language: str | None) -> str:
    """``obj.<field>`` in ``language`` when ``obj.texts`` has it, else the stored value."""
    lang = "id" if (language or "id").lower().startswith("id") else "en"
    texts = getattr(obj, "texts", None) or {}
    value = (texts.get(lang) or {}).get(field)
    if value:
        return str(value)
    stored = getattr(obj, field, "")
    return "" if stored is None else str(stored)
