"""``jaring runserver``: Django's development server (auto-reload), refusing unsafe settings like serve."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError
from whitenoise.runserver_nostatic.management.commands.runserver import Command as StaticRunserver

from jaring.core.safety import refuse_if_unsafe


class Command(StaticRunserver):
    help = "Development server (Django's runserver); `jaring serve` is the production server."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            refuse_if_unsafe()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        super().handle(*args, **options)
