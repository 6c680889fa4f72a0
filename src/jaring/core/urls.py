"""Web pages of this app: the dashboard."""

from django.urls import URLPattern, URLResolver, path

from jaring.core import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="dashboard"),
]
