"""Change-log diffs for readers: field labels, names of related objects, Ya/Tidak, choice labels.

Every change log stores before/after images as JSON (foreign keys as ids, choices as codes). A page that
shows them calls ``annotate`` once for its page of entries: each entry gets ``lines`` (label, before,
after in words), ``what`` (the object's kind) and ``action_label``; related objects are read with one
query per related model, not one per line.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Fields that change on every save and tell a reader nothing.
SKIPPED = {"updated_at", "id"}
MAX_TEXT = 80
ACTION_LABELS = {
    "create": gettext_lazy("created"),
    "update": gettext_lazy("changed"),
    "delete": gettext_lazy("deleted"),
    "approve": gettext_lazy("approved"),
    "merge": gettext_lazy("merged"),
    "unmerge": gettext_lazy("merge undone"),
    "restore": gettext_lazy("restored"),
}
VIA_LABELS = {
    "web": gettext_lazy("Web"),
    "api": gettext_lazy("API"),
    "cli": gettext_lazy("Command line"),
    "admin": gettext_lazy("Admin"),
    "import": gettext_lazy("Import"),
    "system": gettext_lazy("System"),
}


@dataclass(frozen=True)
class ChangeLine:
    """One changed field in words."""

    field: str
    label: str
    before: str
    after: str


def _field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return found if isinstance(found, models.Field) else None


def field_label(model: type[models.Model] | None, name: str) -> str:
    """The field's verbose name, capitalised (the name with spaces for a field the model lacks)."""
    f = _field(model, name)
    label = str(f.verbose_name) if f is not None else name.replace("_", " ")
    return label[:1].upper() + label[1:]


def _short(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def value_text(f: models.Field[Any, Any] | None, value: Any, related: dict[tuple[Any, Any], str]) -> str:
    """One stored value in words."""
    if value is None or value == "" or value == []:
        return "—"
    if f is not None and f.is_relation and f.related_model is not None:
        model = f.related_model
        ids = value if isinstance(value, list) else [value]
        names = [related.get((model, i)) or _("#%(id)s (deleted)") % {"id": i} for i in ids]
        return _short(", ".join(names))
    if isinstance(value, bool) or isinstance(f, models.BooleanField):
        return _("Yes") if value else _("No")
    if f is not None and f.choices:
        labels = {str(k): str(v) for k, v in f.flatchoices}
        return labels.get(str(value), str(value))
    if isinstance(f, models.DateTimeField) and isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is not None:
            return date_format(parsed, "j M Y H:i")
    if isinstance(f, models.DateField) and isinstance(value, str):
        day = parse_date(value[:10])
        if day is not None:
            return date_format(day, "j M Y")
    if isinstance(value, dt.date):
        return date_format(value, "j M Y")
    if isinstance(value, dict | list):
        return _short(json.dumps(value, ensure_ascii=False))
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}".replace(",", ".")
    return _short(str(value))


def _changed(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[tuple[str, Any, Any]]:
    before, after = before or {}, after or {}
    keys = sorted(set(before) | set(after))
    return [
        (k, before.get(k), after.get(k)) for k in keys if k not in SKIPPED and before.get(k) != after.get(k)
    ]


def _name_of(obj: models.Model) -> str:
    """An object's name for a reader: an area by its name (its str starts with the bare code)."""
    name = getattr(obj, "name", None)
    if name and hasattr(obj, "code"):
        return str(name)
    return str(obj)


def annotate(
    changes: Iterable[Any],
    model_of: Callable[[Any], type[models.Model] | None],
    pairs_of: Callable[[Any], list[tuple[str, Any, Any]]] | None = None,
) -> list[Any]:
    """Give each change entry ``lines``, ``what`` and ``action_label`` (related objects batched)."""
    entries = list(changes)
    diffs: list[tuple[Any, type[models.Model] | None, list[tuple[str, Any, Any]]]] = []
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for entry in entries:
        model = model_of(entry)
        pairs = pairs_of(entry) if pairs_of else _changed(entry.before, entry.after)
        pairs = [p for p in pairs if p[0] not in SKIPPED]
        diffs.append((entry, model, pairs))
        for name, before, after in pairs:
            f = _field(model, name)
            if f is not None and f.is_relation and f.related_model is not None:
                for v in (before, after):
                    for i in v if isinstance(v, list) else [v]:
                        if i is not None and not isinstance(i, dict | list):
                            wanted[f.related_model].add(i)  # type: ignore[index]
    related: dict[tuple[Any, Any], str] = {}
    for model, ids in wanted.items():
        for obj in model._default_manager.filter(pk__in=sorted(ids, key=str)):
            related[(model, obj.pk)] = _name_of(obj)
    for entry, model, pairs in diffs:
        entry.lines = [
            ChangeLine(
                name,
                field_label(model, name),
                value_text(_field(model, name), before, related),
                value_text(_field(model, name), after, related),
            )
            for name, before, after in pairs
        ]
        verbose = str(model._meta.verbose_name) if model is not None else str(getattr(entry, "model", ""))
        entry.what = verbose[:1].upper() + verbose[1:]
        action = str(getattr(entry, "action", ""))
        entry.action_label = str(ACTION_LABELS.get(action, action))
        via = str(getattr(entry, "via", ""))
        entry.via_label = str(VIA_LABELS.get(via, via))
    return entries
