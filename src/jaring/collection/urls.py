"""Web pages of collection (mounted at /rounds/)."""

from django.urls import URLPattern, URLResolver, path

from jaring.collection import views

app_name = "collection"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.round_list, name="list"),
    path("<slug:slug>/", views.round_detail, name="detail"),
    path("<slug:slug>/villages.<str:fmt>", views.round_export, name="export"),
    path("<slug:slug>/xlsform.zip", views.round_xlsform, name="xlsform"),
]
