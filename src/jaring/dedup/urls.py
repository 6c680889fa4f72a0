"""Web pages of dedup (mounted at /dedup/)."""

from django.urls import URLPattern, URLResolver

app_name = "dedup"

urlpatterns: list[URLPattern | URLResolver] = []
