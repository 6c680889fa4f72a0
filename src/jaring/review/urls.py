"""Web pages of review (mounted at /review/)."""

from django.urls import URLPattern, URLResolver, path

from jaring.review import views

app_name = "review"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.queue, name="queue"),
    path("batches/<int:batch_id>/", views.batch_review, name="batch"),
    path("batches/<int:batch_id>/action/", views.batch_action, name="action"),
    path("batches/<int:batch_id>/comments/", views.comment_add, name="comment_add"),
    path("comments/<int:comment_id>/resolve/", views.comment_resolve, name="comment_resolve"),
    path("quality/", views.rounds, name="rounds"),
    path("quality/<slug:slug>/", views.round_quality, name="round_quality"),
    path("quality/<slug:slug>/quality.xlsx", views.round_quality_xlsx, name="round_quality_xlsx"),
]
