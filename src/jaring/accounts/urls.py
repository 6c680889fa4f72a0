"""Login and logout (Django's auth views with Jaring's templates)."""

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("login/", auth_views.LoginView.as_view(template_name="jaring/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
