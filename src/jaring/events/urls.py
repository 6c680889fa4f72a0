"""Web pages of events (mounted at /events/)."""

from django.urls import URLPattern, URLResolver, path

from jaring.events import views

app_name = "events"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.event_list, name="list"),
    path("<slug:slug>/", views.event_detail, name="detail"),
    path("<slug:slug>/record/", views.record, name="record"),
    path("<slug:slug>/<str:kind>.pdf", views.sheet, name="pdf"),
]
