"""Web pages of the maps app, and the OGC API Features feed (mounted at /ogc/)."""

from django.urls import URLPattern, URLResolver, path, re_path

from jaring.maps import ogc, views

app_name = "maps"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.map_page, name="map"),
    path("data.json", views.map_data, name="data"),
]

ogc_patterns: list[URLPattern | URLResolver] = [
    path("", ogc.landing, name="landing"),
    path("conformance", ogc.conformance, name="conformance"),
    path("collections", ogc.collections, name="collections"),
    path("collections/<str:collection_id>", ogc.collection, name="collection"),
    path("collections/<str:collection_id>/items", ogc.items, name="items"),
    re_path(r"^(?P<rest>.*)$", ogc.not_found),
]
