"""Reading boundary files (GeoJSON, GeoPackage, Shapefile) with pyogrio, without geopandas."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

WGS84_NAMES = {"EPSG:4326", "OGC:CRS84", "urn:ogc:def:crs:OGC:1.3:CRS84", "WGS 84"}


class BoundaryError(ValueError):
    """A boundary file that cannot be imported; carries the Indonesian and English message."""

    def __init__(self, message_id: str, message_en: str) -> None:
        super().__init__(f"{message_en} / {message_id}")
        self.message_id = message_id
        self.message_en = message_en


@dataclass
class BoundaryFeatures:
    """The features of one layer: attribute columns and shapely geometries (WGS84)."""

    fields: dict[str, list[Any]]
    geometries: list[BaseGeometry | None]
    crs: str | None


def _warped_vrt(path: Path, layer: str) -> str:
    """A GDAL VRT that reprojects ``layer`` of ``path`` to WGS84 as it is read (no pyproj needed)."""
    return (
        "<OGRVRTDataSource><OGRVRTWarpedLayer>"
        f"<OGRVRTLayer name={quoteattr(layer)}><SrcDataSource>{escape(str(path.resolve()))}</SrcDataSource>"
        f"<SrcLayer>{escape(layer)}</SrcLayer></OGRVRTLayer>"
        "<TargetSRS>EPSG:4326</TargetSRS></OGRVRTWarpedLayer></OGRVRTDataSource>"
    )


def read_boundary_file(path: Path, *, layer: str | None = None, fields: list[str]) -> BoundaryFeatures:
    """Read one layer's ``fields`` and geometries, reprojected to WGS84 when the layer has another CRS."""
    import pyogrio
    from pyogrio.errors import DataLayerError, DataSourceError

    if not path.exists():
        raise BoundaryError(f"Berkas tidak ditemukan: {path}", f"File not found: {path}")
    try:
        layers = [str(name) for name, _type in pyogrio.list_layers(path)]
    except (DataSourceError, DataLayerError, OSError) as exc:
        raise BoundaryError(
            f"Berkas tidak dapat dibaca sebagai data spasial: {path.name} ({exc})",
            f"File cannot be read as spatial data: {path.name} ({exc})",
        ) from exc
    if not layers:
        raise BoundaryError(f"Berkas tidak berisi layer: {path.name}", f"File has no layer: {path.name}")
    if layer is None:
        layer = layers[0]
    elif layer not in layers:
        raise BoundaryError(
            f"Layer {layer!r} tidak ada; tersedia: {', '.join(layers)}",
            f"Layer {layer!r} not found; available: {', '.join(layers)}",
        )
    try:
        info = pyogrio.read_info(path, layer=layer)
    except (DataSourceError, DataLayerError) as exc:
        raise BoundaryError(f"Layer tidak dapat dibaca: {exc}", f"Layer cannot be read: {exc}") from exc
    available = [str(f) for f in info["fields"]]
    missing = [f for f in fields if f not in available]
    if missing:
        raise BoundaryError(
            f"Kolom {', '.join(missing)} tidak ada; kolom tersedia: {', '.join(available)}",
            f"Field {', '.join(missing)} not found; available fields: {', '.join(available)}",
        )
    crs = info.get("crs")
    source: str | Path = path
    with tempfile.TemporaryDirectory() as tmp:
        if crs and crs not in WGS84_NAMES:
            vrt = Path(tmp) / "warped.vrt"
            vrt.write_text(_warped_vrt(path, layer), encoding="utf-8")
            source = vrt
        try:
            meta, _fids, geometry, field_data = pyogrio.raw.read(
                source, layer=layer if source == path else 0, columns=fields
            )
        except (DataSourceError, DataLayerError, OSError) as exc:  # a broken file, a failed reprojection
            raise BoundaryError(f"Berkas tidak dapat dibaca: {exc}", f"File cannot be read: {exc}") from exc
    names = [str(f) for f in meta["fields"]]
    columns = {name: [None if _is_null(v) else v for v in field_data[i]] for i, name in enumerate(names)}
    geoms: list[BaseGeometry | None] = []
    if geometry is None:
        raise BoundaryError("Layer tidak memiliki geometri", "Layer has no geometry")
    for wkb in geometry:
        if wkb is None:
            geoms.append(None)
            continue
        try:
            geoms.append(shapely.from_wkb(wkb))
        except shapely.errors.GEOSException:
            geoms.append(None)
    return BoundaryFeatures(fields=columns, geometries=geoms, crs=crs)


def _is_null(value: Any) -> bool:
    if value is None:
        return True
    return bool(isinstance(value, float) and np.isnan(value))
