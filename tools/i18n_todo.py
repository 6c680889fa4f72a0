"""List the msgids a language's catalogue still lacks (untranslated or fuzzy); exit 1 if there are any.

Usage: ``python tools/i18n_todo.py [LANG]`` (default ``id``). Run ``make messages`` first so that the
catalogue holds every string of the code.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from jaring.core.lib.po import untranslated  # noqa: E402


def main() -> int:
    """Print each missing entry with its first source reference."""
    lang = sys.argv[1] if len(sys.argv) > 1 else "id"
    po = ROOT / "src" / "jaring" / "locale" / lang / "LC_MESSAGES" / "django.po"
    missing = untranslated(po)
    for entry in missing:
        where = entry.references[0] if entry.references else "?"
        flag = " (fuzzy)" if "fuzzy" in entry.flags else ""
        print(f"{where}: {entry.msgid!r}{flag}")
    print(f"{len(missing)} entries to translate in {po.relative_to(ROOT)}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
