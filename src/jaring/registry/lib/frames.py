"""Polars column types of model fields, so that frames built from querysets or imports match the schema."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.db import models

# Model field class -> polars type; a subclass inherits its base's entry (PositiveIntegerField -> Int64).
_TYPES: list[tuple[type[models.Field[Any, Any]], Any]] = [
    (models.BooleanField, pl.Boolean),
    (models.DateTimeField, pl.Datetime),  # before DateField, its base class
    (models.DateField, pl.Date),
    (models.FloatField, pl.Float64),
    (models.DecimalField, pl.Float64),
    (models.IntegerField, pl.Int64),
    (models.AutoField, pl.Int64),
    (models.BigAutoField, pl.Int64),
    (models.CharField, pl.String),
    (models.TextField, pl.String),
]


def polars_type(model: type[models.Model], path: str) -> Any:
    """The polars type of ``path`` on ``model``: a field, its column (``x_id``) or a lookup (``a__b``)."""
    *hops, last = path.split("__")
    for hop in hops:
        model = model._meta.get_field(hop).related_model  # type: ignore[assignment]
    field = model._meta.get_field(last[:-3] if last.endswith("_id") else last)
    if field.is_relation:
        field = field.target_field  # type: ignore[union-attr]
    for kind, dtype in _TYPES:
        if isinstance(field, kind):
            return dtype
    raise TypeError(f"no polars type for {model.__name__}.{path} ({type(field).__name__})")


def polars_schema(model: type[models.Model], columns: dict[str, str]) -> dict[str, Any]:
    """A polars schema: output column name -> the polars type of its model path."""
    return {name: polars_type(model, path) for name, path in columns.items()}
