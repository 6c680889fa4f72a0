"""Web pages of bills and payments (mounted at /payments/)."""

from django.urls import URLPattern, URLResolver, path

from jaring.payments import views

app_name = "payments"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.bill_list, name="list"),
    path("issue/", views.bill_issue, name="issue"),
    path("reconcile/", views.bill_reconcile, name="reconcile"),
    path("statements/", views.statement_upload, name="statement_upload"),
    path("statements/<int:pk>/", views.statement_detail, name="statement"),
    path("burndown/<slug:slug>/", views.burndown_page, name="burndown"),
    path("alerts/", views.alerts, name="alerts"),
]
