"""Web pages of programmes (mounted at /programmes/)."""

from django.urls import URLPattern, URLResolver, path

from jaring.programmes import views

app_name = "programmes"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.programme_list, name="list"),
    path("new/", views.programme_new, name="new"),
    path("premiums/", views.premium_rates, name="premiums"),
    path("persons/", views.person_programmes, name="person_programmes"),
    path("<slug:slug>/", views.programme_detail, name="detail"),
    path("<slug:slug>/edit/", views.programme_edit, name="edit"),
    path("<slug:slug>/sources/new/", views.source_new, name="source_new"),
    path("<slug:slug>/sources/<slug:source_slug>/", views.source_detail, name="source"),
    path("<slug:slug>/sources/<slug:source_slug>/edit/", views.source_edit, name="source_edit"),
    path("<slug:slug>/plan/", views.plan_detail, name="plan"),
    path("<slug:slug>/plan/compute/", views.plan_compute, name="plan_compute"),
    path("<slug:slug>/plan/jobs/<int:job_id>/", views.plan_job, name="plan_job"),
    path("<slug:slug>/plan/<int:plan_id>/approve/", views.plan_approve, name="plan_approve"),
    path("<slug:slug>/plan/export.xlsx", views.plan_export, name="plan_export"),
    path("<slug:slug>/plan/reasons.xlsx", views.plan_reasons_export, name="plan_reasons"),
    path("<slug:slug>/coverage/", views.person_coverage, name="coverage"),
    path("<slug:slug>/what-if/", views.what_if_new, name="what_if_new"),
    path("<slug:slug>/what-if/<int:plan_id>/", views.what_if_detail, name="what_if"),
]
