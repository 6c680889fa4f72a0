"""Pages of the core app: the dashboard and the second-factor (TOTP) page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from jaring.accounts.scope import scope_for
from jaring.core.lib.tables import table_page
from jaring.core.stats import cached_dashboard_stats


def dashboard(request: HttpRequest) -> HttpResponse:
    """Workers per village and per occupation in the user's scope (counts only); villages paged."""
    scope = scope_for(request.user)
    stats = cached_dashboard_stats(scope)
    villages = table_page(
        request,
        stats.get("by_village", []),
        columns={"village": lambda b: b.label, "workers": lambda b: b.count},
        search=lambda b: f"{b.label} {b.code}",
        default_sort="workers",
        default_descending=True,
    )
    return render(request, "jaring/dashboard.html", {"stats": stats, "scope": scope, "villages": villages})


def otp_verify(request: HttpRequest) -> HttpResponse:
    """Ask a user with a TOTP device for the current 6-digit code after the password (django-otp)."""
    from django_otp import devices_for_user
    from django_otp import login as otp_login

    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    if not request.user.is_authenticated:
        return redirect("login")
    error = False
    if request.method == "POST":
        token = "".join(ch for ch in request.POST.get("token", "") if ch.isdigit())[:8]
        for device in devices_for_user(request.user, confirmed=True):
            if token and device.verify_token(token):
                otp_login(request, device)
                return redirect(target)
        error = True
    return render(request, "jaring/otp_verify.html", {"next": target, "error": error})
