"""Web pages of programmes (mounted at /programmes/)."""

from django.urls import URLPattern, URLResolver, path

from jaring.programmes import views

app_name = "programmes"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.programme_list, name="list"),
    path("new/", views.programme_new, name="new"),
    path("premiums/", views.premium_rates, name="premiums"),
    path("<slug:slug>/", views.programme_detail, name="detail"),
    path("<slug:slug>/edit/", views.programme_edit, name="edit"),
    path("<slug:slug>/sources/new/", views.source_new, name="source_new"),
    path("<slug:slug>/sources/<slug:source_slug>/", views.source_detail, name="source"),
    path("<slug:slug>/sources/<slug:source_slug>/edit/", views.source_edit, name="source_edit"),
]
