"""Web pages of programmes: lists, programme and source pages, forms with a live rule check."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from jaring.accounts.scope import scope_for
from jaring.programmes import services
from jaring.programmes.forms import FundingSourceForm, ProgrammeForm
from jaring.programmes.models import FundingSource, Programme


def _readable(request: HttpRequest) -> None:
    if not services.can_read(scope_for(request.user)):
        raise PermissionDenied(_("Your role does not see programmes."))


def _programme(request: HttpRequest, slug: str) -> Programme:
    _readable(request)
    found = services.programmes_for(request.user).filter(slug=slug).first()
    if found is None:
        raise Http404(_("Programme not found"))
    return found


def _source(request: HttpRequest, slug: str, source_slug: str) -> FundingSource:
    _readable(request)
    found = services.sources_for(request.user).filter(programme__slug=slug, slug=source_slug).first()
    if found is None:
        raise Http404(_("Funding source not found"))
    return found


def _may_edit(request: HttpRequest, programme: Programme | None = None) -> bool:
    scope = scope_for(request.user)
    return services.can_edit(scope) and (programme is None or scope.covers_area(programme.area))


def _save_form(request: HttpRequest, form: Any, before: dict[str, Any] | None) -> bool:
    """Save a valid form's instance through the change log; False (errors on the form) otherwise."""
    if not form.is_valid():
        return False
    try:
        with transaction.atomic():
            services.save_logged(form.instance, actor=request.user, via="web", before=before)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return False
    return True


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    """Programmes the user may see, with their sources' count."""
    _readable(request)
    programmes = services.programmes_for(request.user).prefetch_related("sources")
    return render(
        request,
        "programmes/programme_list.html",
        {"programmes": programmes, "may_edit": _may_edit(request)},
    )


@login_required
def programme_new(request: HttpRequest) -> HttpResponse:
    """Create a programme (programme officers and data stewards)."""
    if not _may_edit(request):
        raise PermissionDenied(_("Your role cannot edit programmes."))
    form = ProgrammeForm(request.POST or None, areas=scope_for(request.user).areas())
    if request.method == "POST":
        if form.is_valid():
            services.check_can_edit(request.user, area=form.cleaned_data["area"])
        if _save_form(request, form, None):
            messages.success(request, _("Programme created."))
            return redirect("programmes:detail", slug=form.instance.slug)
    return render(request, "programmes/programme_form.html", {"form": form, "programme": None})


@login_required
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A programme with its sources and the latest changes."""
    programme = _programme(request, slug)
    scope = scope_for(request.user)
    changes = list(services.changes_of(programme)[:20]) if scope.can_read_changelog else []
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "sources": programme.sources.select_related("payer"),
            "changes": changes,
            "may_edit": _may_edit(request, programme),
        },
    )


@login_required
def programme_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Edit a programme."""
    programme = _programme(request, slug)
    if not _may_edit(request, programme):
        raise PermissionDenied(_("Your role cannot edit programmes."))
    before = services.snapshot(programme)
    form = ProgrammeForm(request.POST or None, instance=programme, areas=scope_for(request.user).areas())
    if request.method == "POST" and _save_form(request, form, before):
        messages.success(request, _("Programme saved."))
        return redirect("programmes:detail", slug=programme.slug)
    return render(request, "programmes/programme_form.html", {"form": form, "programme": programme})


@login_required
def source_detail(request: HttpRequest, slug: str, source_slug: str) -> HttpResponse:
    """A funding source: its terms, and who in the user's scope passes its rule (counts only)."""
    source = _source(request, slug, source_slug)
    summary = services.source_summary(source, request.user, language=get_language() or "en")
    return render(
        request,
        "programmes/source_detail.html",
        {
            "programme": source.programme,
            "source": source,
            "summary": summary,
            "may_edit": _may_edit(request, source.programme),
        },
    )


def _source_form(request: HttpRequest, programme: Programme, source: FundingSource | None) -> HttpResponse:
    if not _may_edit(request, programme):
        raise PermissionDenied(_("Your role cannot edit programmes."))
    before = services.snapshot(source) if source is not None else None
    initial = {} if source else {"first_month": programme.first_month, "last_month": programme.last_month}
    form = FundingSourceForm(request.POST or None, instance=source, programme=programme, initial=initial)
    if request.method == "POST" and _save_form(request, form, before):
        messages.success(request, _("Funding source saved."))
        return redirect("programmes:source", slug=programme.slug, source_slug=form.instance.slug)
    return render(
        request,
        "programmes/source_form.html",
        {"form": form, "programme": programme, "source": source},
    )


@login_required
def source_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Add a funding source to a programme."""
    return _source_form(request, _programme(request, slug), None)


@login_required
def source_edit(request: HttpRequest, slug: str, source_slug: str) -> HttpResponse:
    """Edit a funding source (with the live rule check)."""
    source = _source(request, slug, source_slug)
    return _source_form(request, source.programme, source)


@login_required
def premium_rates(request: HttpRequest) -> HttpResponse:
    """The stored BPU premium data (unverified rows marked) and a calculator for one person-month."""
    _readable(request)
    from jaring.programmes.lib.premiums import PAYER_KINDS, PremiumError, premium
    from jaring.programmes.models import PremiumDiscount, PremiumSchedule, SourceKind
    from jaring.registry.models import OccupationCategory

    result = error = None
    asked = {k: request.GET.get(k, "").strip() for k in ("income", "month", "payer", "occupation")}
    if asked["month"] and asked["payer"]:
        try:
            income = int(asked["income"].replace(".", "").replace(",", "")) if asked["income"] else None
            if asked["payer"] not in PAYER_KINDS:
                raise PremiumError("bad_payer", "jenis pembayar tidak dikenal", "unknown payer kind")
            result = premium(
                income,
                asked["month"],
                asked["payer"],
                asked["occupation"] or None,
                jht=bool(request.GET.get("jht")),
            )
        except ValueError as exc:
            error = (
                f"{exc.message_id} / {exc.message_en}"
                if isinstance(exc, PremiumError)
                else _("Invalid income.")
            )
    return render(
        request,
        "programmes/premium_rates.html",
        {
            "schedules": PremiumSchedule.objects.prefetch_related("brackets"),
            "discounts": PremiumDiscount.objects.select_related("group").prefetch_related(
                "group__occupations"
            ),
            "asked": asked,
            "jht": bool(request.GET.get("jht")),
            "result": result,
            "error": error,
            "payer_kinds": SourceKind.choices,
            "occupations": OccupationCategory.objects.order_by("slug"),
        },
    )
