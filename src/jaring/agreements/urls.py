"""Agreement pages (mounted at /agreements/)."""

from django.urls import URLPattern, URLResolver, path

from jaring.agreements import views

app_name = "agreements"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.agreement_list, name="list"),
    path("new/", views.agreement_edit, name="new"),
    path("<int:pk>/", views.agreement_detail, name="detail"),
    path("<int:pk>/amend/", views.agreement_edit, name="amend"),
    path("<int:pk>/access/", views.access_report, name="access"),
    path("<int:pk>/<str:step>/", views.agreement_step, name="step"),
]
