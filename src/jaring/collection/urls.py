"""Web pages of collection (mounted at /collection/)."""

from django.urls import URLPattern, URLResolver

app_name = "collection"

urlpatterns: list[URLPattern | URLResolver] = []
