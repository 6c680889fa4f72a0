"""Web pages of the audit trail (mounted at /audit/)."""

from django.urls import URLPattern, URLResolver, path, re_path

from jaring.audit import views

app_name = "audit"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.trail, name="trail"),
    re_path(r"^export\.(?P<fmt>csv|xlsx)$", views.export, name="export"),
]
