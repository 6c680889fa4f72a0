from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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
