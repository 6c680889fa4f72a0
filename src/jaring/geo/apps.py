from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "jaring.geo"
    label = "geo"
    verbose_name = _("Geo")

    def ready(self) -> None:
        from jaring.accounts.scope import register_scoped_model
        from jaring.geo.models import Area

        register_scoped_model("area", Area)
