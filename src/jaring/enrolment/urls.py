"""Web pages of enrolment (mounted at /enrolment/)."""

from django.urls import URLPattern, URLResolver, path

from jaring.enrolment import views

app_name = "enrolment"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.batch_list, name="list"),
    path("answer/", views.answer_upload, name="answer"),
    path("<str:reference>/", views.batch_detail, name="detail"),
    path("<str:reference>/file.<str:fmt>", views.batch_file, name="file"),
]
