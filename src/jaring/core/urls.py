"""Web pages of this app: the dashboard, the health probes and the second-factor page."""

from django.urls import URLPattern, URLResolver, path

from jaring.core import health, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("otp/", views.otp_verify, name="otp_verify"),
]
