"""Dead-code check for `make lint`: vulture over the tree, reporting unused functions, classes, imports.

Unused *variables and attributes* at vulture's 60 % confidence are model, schema and form fields that
Django, ninja and templates read by name, so only the 100 % ones (unused arguments, unreachable code)
count. Names the templates read (``{{ x.name }}``) count as used; names a framework reaches by string are
in tools/vulture_allow.py; conventions are below.

    .venv/bin/python tools/deadcode.py        # exit 1 and a list when something is unused
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import vulture

ROOT = Path(__file__).resolve().parents[1]
PATHS = ["src/jaring", "tests", "bench", "tools"]
EXCLUDE = ["*/migrations/*"]
# Called by Django, django-ninja or pydantic by name (admin, management commands, apps, forms, models).
CONVENTIONS = [
    "Meta",
    "Command",
    "Migration",
    "*Config",
    "*Admin",
    "*Inline",
    "add_arguments",
    "handle",
    "ready",
    "get_queryset",
    "has_*_permission",
    "has_permission",
    "has_perm",
    "has_module_perms",
    "delete_model",
    "clean",
    "clean_*",
    "resolve_*",
    "label_from_instance",
    "transactional_db",  # a pytest fixture asked for its side effect
]
DECORATORS = [
    "@router.*",
    "@api.*",
    "@task",
    "@register.*",
    "@admin.register",
    "@receiver",
    "@pytest.fixture",
]
REPORTED = {"function", "method", "class", "property", "import"}


TEMPLATE_TAG = re.compile(r"\{[{%](.*?)[%}]\}", re.S)


def template_names() -> set[str]:
    """Attribute and method names the templates read (``{{ agreement.purpose_labels }}``): used by name."""
    names: set[str] = set()
    for path in (ROOT / "src" / "jaring").rglob("templates/**/*.html"):
        for tag in TEMPLATE_TAG.findall(path.read_text(encoding="utf-8")):
            names.update(re.findall(r"\.([A-Za-z_]\w*)", tag))
    return names


def unused() -> list[str]:
    """One line per piece of dead code."""
    ignore = [*CONVENTIONS, *sorted(template_names())]
    finder = vulture.Vulture(ignore_names=ignore, ignore_decorators=DECORATORS)
    finder.scavenge([str(ROOT / p) for p in PATHS], exclude=EXCLUDE)
    lines = []
    for item in finder.get_unused_code(min_confidence=60):
        if item.typ in REPORTED or item.confidence >= 100:
            where = Path(item.filename).resolve().relative_to(ROOT)
            lines.append(f"{where}:{item.first_lineno}: {item.message} ({item.confidence}% confidence)")
    return sorted(lines)


def main() -> int:
    found = unused()
    for line in found:
        print(line)
    if found:
        print(
            f"{len(found)} unused: delete it, or (if a framework calls it by name) add it to "
            "tools/vulture_allow.py with the reason",
            file=sys.stderr,
        )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
