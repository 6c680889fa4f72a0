"""A small reader for gettext ``.po`` catalogues: enough to find untranslated or fuzzy entries.

polib is not a dependency; the catalogue format used here (written by ``makemessages``) is simple.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    """One catalogue entry: its id (and plural id), its translations, flags and source references."""

    msgid: str = ""
    msgid_plural: str = ""
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)

    @property
    def is_header(self) -> bool:
        """The catalogue's header (the entry with an empty id)."""
        return self.msgid == ""

    @property
    def translated(self) -> bool:
        """Every form has a translation and the entry is not marked fuzzy."""
        return bool(self.msgstr) and all(self.msgstr) and "fuzzy" not in self.flags


def _unquote(text: str) -> str:
    # A .po string is a C string literal; Python's literal syntax reads the escapes used (\n, \", \\).
    return str(ast.literal_eval(text))


def parse(path: Path) -> list[Entry]:
    """The entries of a ``.po`` file (obsolete ``#~`` entries are skipped)."""
    return parse_text(path.read_text(encoding="utf-8"))


def parse_text(text: str) -> list[Entry]:
    """The entries of ``.po`` text."""
    entries: list[Entry] = []
    current = Entry()
    target: tuple[str, int] | None = None
    started = False

    def close() -> None:
        nonlocal current, started
        if started:
            entries.append(current)
        current, started = Entry(), False

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            close()
            target = None
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            current.flags.update(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith("#:"):
            current.references.extend(line[2:].split())
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"') and target is not None:
            name, index = target
            if name == "msgstr":
                current.msgstr[index] += _unquote(line)
            else:
                setattr(current, name, getattr(current, name) + _unquote(line))
            continue
        started = True
        if keyword == "msgid":
            current.msgid, target = _unquote(rest), ("msgid", 0)
        elif keyword == "msgid_plural":
            current.msgid_plural, target = _unquote(rest), ("msgid_plural", 0)
        elif keyword == "msgstr":
            current.msgstr, target = [_unquote(rest)], ("msgstr", 0)
        elif keyword.startswith("msgstr["):
            index = int(keyword[7:-1])
            current.msgstr.extend([""] * (index + 1 - len(current.msgstr)))
            current.msgstr[index], target = _unquote(rest), ("msgstr", index)
    close()
    return entries


def untranslated(path: Path) -> list[Entry]:
    """Entries of the catalogue (header excluded) that lack a translation or are fuzzy."""
    return [e for e in parse(path) if not e.is_header and not e.translated]
