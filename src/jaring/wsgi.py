"""WSGI entry point (gunicorn under `jaring serve`); refuses to load with unsafe settings."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
application = get_wsgi_application()

from jaring.core.safety import refuse_if_unsafe  # noqa: E402 - needs the settings loaded above

refuse_if_unsafe()
