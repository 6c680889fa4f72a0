"""Web pages of this app: the dashboard (and the favicon browsers ask for at /favicon.ico)."""

from django.templatetags.static import static
from django.urls import URLPattern, URLResolver, path
from django.views.generic import RedirectView

from jaring.core import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="dashboard"),
    path("favicon.ico", RedirectView.as_view(url=static("jaring/favicon.svg"), permanent=True)),
]
