"""Messages stored in both languages as "Indonesian / English" (made outside a request): one per reader."""

from __future__ import annotations

from django.utils.translation import get_language

SEPARATOR = " / "


def split(text: str) -> tuple[str, str]:
    """(Indonesian, English) of a stored message; a text without the separator is both."""
    if SEPARATOR not in text:
        return text, text
    # The Indonesian part never holds " / " itself; the English part may (file paths, "L / P").
    indonesian, english = text.split(SEPARATOR, 1)
    return indonesian.strip(), english.strip()


def one_language(text: str, language: str | None = None) -> str:
    """The part of a bilingual message for ``language`` (the active language by default)."""
    lang = language or get_language() or "id"
    indonesian, english = split(text)
    return indonesian if lang.startswith("id") else english
