"""URL configuration: web pages per app, the admin, and the API."""

from django.contrib import admin
from django.urls import include, path

from jaring.api import api
from jaring.maps.urls import ogc_patterns

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("jaring.accounts.urls")),
    path("", include("jaring.core.urls")),
    path("persons/", include("jaring.registry.urls")),
    path("imports/", include("jaring.imports.urls")),
    path("areas/", include("jaring.geo.urls")),
    path("rounds/", include("jaring.collection.urls")),
    path("review/", include("jaring.review.urls")),
    path("dedup/", include("jaring.dedup.urls")),
    path("programmes/", include("jaring.programmes.urls")),
    path("enrolment/", include("jaring.enrolment.urls")),
    path("payments/", include("jaring.payments.urls")),
    path("events/", include("jaring.events.urls")),
    path("maps/", include("jaring.maps.urls")),
    path("ogc/", include((ogc_patterns, "ogc"))),
    path("agreements/", include("jaring.agreements.urls")),
    path("audit/", include("jaring.audit.urls")),
]
