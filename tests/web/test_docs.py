"""Documentation must keep up: every API endpoint and field, every JARING_* setting."""

from __future__ import annotations

import re
from pathlib import Path

from jaring.api import api

ROOT = Path(__file__).resolve().parents[2]


def test_every_api_endpoint_and_field_is_documented() -> None:
    doc = (ROOT / "docs" / "api.md").read_text()
    schema = api.get_openapi_schema()
    missing = []
    for path, operations in schema["paths"].items():
        for method in operations:
            if f"`{method.upper()} {path}`" not in doc:
                missing.append(f"{method.upper()} {path}")
    for name, component in schema["components"]["schemas"].items():
        if f"`{name}`" not in doc:
            missing.append(f"schema {name}")
        for field in component.get("properties", {}):
            if f"`{field}`" not in doc:
                missing.append(f"{name}.{field}")
    assert not missing, f"docs/api.md does not describe: {', '.join(missing)}"


def test_every_jaring_setting_is_documented() -> None:
    settings_source = (ROOT / "src" / "jaring" / "settings.py").read_text()
    doc = (ROOT / "docs" / "settings.md").read_text()
    names = set(re.findall(r"[\"'](JARING_[A-Z0-9_]+)[\"']", settings_source))
    assert "JARING_DATABASE_URL" in names
    missing = sorted(n for n in names if f"`{n}`" not in doc)
    assert not missing, f"docs/settings.md does not describe: {', '.join(missing)}"
