"""Web pages of dedup (mounted at /dedup/)."""

from django.urls import URLPattern, URLResolver, path

from jaring.dedup import views

app_name = "dedup"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.queue, name="queue"),
    path("runs/start/", views.run_start, name="start"),
    path("runs/<int:run_id>/status/", views.run_status, name="run_status"),
    path("pairs/<int:pair_id>/", views.pair_detail, name="pair"),
    path("pairs/<int:pair_id>/merge/", views.pair_merge, name="merge"),
    path("pairs/<int:pair_id>/distinct/", views.pair_distinct, name="distinct"),
    path("pairs/<int:pair_id>/undo/", views.pair_undo, name="undo"),
    path("conflicts/", views.conflict_list, name="conflicts"),
    path("conflicts/collect/", views.conflict_collect, name="collect"),
    path("conflicts/<int:conflict_id>/", views.conflict_detail, name="conflict"),
    path("conflicts/<int:conflict_id>/resolve/", views.conflict_resolve, name="resolve"),
    path("conflicts/<int:conflict_id>/reopen/", views.conflict_reopen, name="reopen"),
]
