from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectionConfig(AppConfig):
    name = "jaring.collection"
    label = "collection"
    verbose_name = _("Collection")

    def ready(self) -> None:
        from jaring.collection import services
        from jaring.collection.models import Round
        from jaring.imports.rounds import RoundRules, register

        # A batch may belong to a round; the import reaches the rules of rounds through this hook.
        register(
            RoundRules(
                all_rounds=Round.objects.all,
                rounds_for=services.rounds_for,
                covers=services.round_covers,
                check_fits=services.check_batch_fits,
            )
        )
