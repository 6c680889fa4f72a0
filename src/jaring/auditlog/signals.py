"""The application writes the chain for every ORM save and delete of Jaring's models (SQLite and PostgreSQL).

Bulk paths (imports) record one ``batch`` event with a Merkle root instead (``services.record_batch``).
Row images are not copied here (the change logs keep them): the event holds the SHA-256 of the row's
values and the names of its fields, so no NIK is written a second time.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

from jaring.auditlog.context import actor_name
from jaring.auditlog.lib.chain import row_hash

SKIPPED_APPS = {"auditlog"}


def _values(instance: Model) -> list[Any]:
    return [getattr(instance, f.attname) for f in instance._meta.concrete_fields]


def _content(instance: Model) -> dict[str, Any]:
    return {
        "row_sha256": row_hash(_values(instance)),
        "fields": [f.attname for f in instance._meta.concrete_fields],
    }


def _on_save(sender: type[Model], instance: Model, created: bool, raw: bool = False, **kwargs: Any) -> None:
    from jaring.auditlog.services import append

    if raw:  # fixtures loaded with loaddata
        return
    action = "insert" if created else "update"
    append("write", sender._meta.db_table, instance.pk, action, actor_name(), _content(instance))


def _on_delete(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    from jaring.auditlog.services import append

    append("write", sender._meta.db_table, instance.pk, "delete", actor_name(), _content(instance))


def connect() -> None:
    """Connect the writers to every model of the jaring apps (the audit tables themselves excepted)."""
    for config in apps.get_app_configs():
        if not config.name.startswith("jaring.") or config.label in SKIPPED_APPS:
            continue
        for model in config.get_models():
            uid = f"auditlog:{model._meta.label}"
            post_save.connect(_on_save, sender=model, dispatch_uid=uid + ":save", weak=False)
            post_delete.connect(_on_delete, sender=model, dispatch_uid=uid + ":delete", weak=False)
