"""Web pages of the import pipeline (mounted at /imports/)."""

from django.urls import URLPattern, URLResolver, path, re_path

from jaring.imports import views

app_name = "imports"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.batch_list, name="list"),
    path("new/", views.upload, name="upload"),
    path("template.xlsx", views.template_download, name="template"),
    path("<int:batch_id>/", views.batch_detail, name="detail"),
    path("<int:batch_id>/status.json", views.batch_status, name="status"),
    path("<int:batch_id>/commit/", views.batch_commit, name="commit"),
    re_path(r"^(?P<batch_id>\d+)/report\.(?P<fmt>csv|xlsx)$", views.batch_report, name="report"),
]
