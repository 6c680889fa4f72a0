"""Web pages of the registry (mounted at /persons/)."""

from django.urls import URLPattern, URLResolver, path, re_path

from jaring.registry import views

app_name = "registry"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("households/", views.household_list, name="households"),
    re_path(r"^export\.(?P<fmt>csv|xlsx)$", views.person_export, name="export"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/edit/", views.person_edit, name="edit"),
    path("<int:person_id>/delete/", views.person_delete, name="delete"),
]
