"""Web pages of this app."""

from django.urls import URLPattern, URLResolver, path

from jaring.geo import views

app_name = "geo"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.area_index, name="index"),
    path("<str:code>/", views.area_detail, name="detail"),
]
