from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def batch_files() -> list[Any]:
    """The uploads and staged rows of every batch (what `jaring backup` must carry)."""
    from pathlib import Path

    from django.conf import settings

    from jaring.imports.models import Batch

    out = []
    for name, staged in Batch.objects.values_list("file", "staged_path"):
        if name:
            out.append(Path(settings.MEDIA_ROOT) / name)
        if staged:
            out.append(Path(staged))
    return out


class ImportsConfig(AppConfig):
    name = "jaring.imports"
    label = "imports"
    verbose_name = _("Imports")

    def ready(self) -> None:
        from jaring.accounts.scope import register_scoped_model
        from jaring.imports.models import Batch
        from jaring.imports.validation import validate_records
        from jaring.registry.hooks import register_person_validator

        register_scoped_model("batch", Batch)
        # The registry checks persons entered one by one with the import's rules.
        register_person_validator(validate_records)
        from jaring.core.backup import FILE_PROVIDERS

        if batch_files not in FILE_PROVIDERS:
            FILE_PROVIDERS.append(batch_files)
