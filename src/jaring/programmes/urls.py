"""Web pages of programmes (mounted at /programmes/)."""

from django.urls import URLPattern, URLResolver

app_name = "programmes"

urlpatterns: list[URLPattern | URLResolver] = []
