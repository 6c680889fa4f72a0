from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "jaring.programmes"
    label = "programmes"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        from jaring.programmes import services
        from jaring.registry.hooks import register_person_detail_flag

        # The person page links to the person's coverage for those who may read programmes.
        register_person_detail_flag("can_see_coverage", services.can_read)
