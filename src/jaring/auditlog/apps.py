from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditLogConfig(AppConfig):
    name = "jaring.auditlog"
    label = "auditlog"
    verbose_name = _("Tamper-evident audit log")

    def ready(self) -> None:
        from jaring.auditlog import signals

        signals.connect()
