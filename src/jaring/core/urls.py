"""Web pages of this app: the dashboard, the favicon, the health probes and the second-factor page."""

from django.templatetags.static import static
from django.urls import URLPattern, URLResolver, path
from django.views.generic import RedirectView

from jaring.core import health, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="dashboard"),
    path("favicon.ico", RedirectView.as_view(url=static("jaring/favicon.svg"), permanent=True)),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("otp/", views.otp_verify, name="otp_verify"),
]
