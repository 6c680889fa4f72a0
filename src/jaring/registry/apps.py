from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "jaring.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from jaring.accounts.scope import register_scoped_model
        from jaring.registry.models import Person

        register_scoped_model("person", Person)
