"""Collection pages: the rounds list, a round's per-village progress with filters, and its export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from jaring.accounts.scope import scope_for
from jaring.collection import services
from jaring.collection.forms import ProgressFilterForm
from jaring.collection.models import Round
from jaring.core.http import download
from jaring.geo.models import AreaLevel


def _get_round(request: HttpRequest, slug: str) -> Round:
    round_ = services.rounds_for(scope_for(request.user)).filter(slug=slug).first()
    if round_ is None:
        raise Http404(_("Round not found"))
    return round_


def _filters(request: HttpRequest) -> tuple[ProgressFilterForm, services.ProgressFilters]:
    form = ProgressFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    return form, services.ProgressFilters(
        district=data.get("district") or "",
        review_status=data.get("review_status") or "",
        no_submission=bool(data.get("no_submission")),
    )


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    """Rounds with a target village in the user's scope."""
    scope = scope_for(request.user)
    rounds = services.rounds_for(scope)
    page = Paginator(rounds, 25).get_page(request.GET.get("page"))
    return render(request, "collection/round_list.html", {"page": page})


@login_required
def round_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A round: who runs it, totals, and one row per target village (filterable, paginated)."""
    scope = scope_for(request.user)
    round_ = _get_round(request, slug)
    form, filters = _filters(request)
    everything = services.village_progress(round_, scope)
    table = services.filter_progress(everything, filters)
    # A district's file shows in each of its villages; its batch page is only for those who may open it.
    openable = set(scope.batches().filter(round=round_).values_list("id", flat=True))
    rows = [
        {
            **row,
            "review_label": services.review_label(row["review_status"]),
            "batch_links": [(b, b in openable) for b in row["batch_ids"]],
        }
        for row in table.to_dicts()
    ]
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    districts = (
        scope.areas()
        .filter(level=AreaLevel.DISTRICT, children__collection_rounds=round_)
        .distinct()
        .order_by("code")
        .values_list("code", "name")
    )
    query = request.GET.copy()
    query.pop("page", None)
    batches = scope.batches().filter(round=round_).select_related("village").order_by("-updated_at")[:50]
    return render(
        request,
        "collection/round_detail.html",
        {
            "round": round_,
            "form": form,
            "page": page,
            "summary": services.round_summary(everything),
            "shown": table.height,
            "districts": list(districts),
            "query": query.urlencode(),
            "batches": batches,
        },
    )


@login_required
def round_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The (filtered) per-village table as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise Http404(_("Unknown format"))
    round_ = _get_round(request, slug)
    _form, filters = _filters(request)
    data = services.export_progress(services.village_progress(round_, scope_for(request.user), filters), fmt)
    return download(data, f"round-{round_.slug}-villages.{fmt}")


@login_required
def round_xlsform(request: HttpRequest, slug: str) -> HttpResponse:
    """The round's XLSForm and its village list (desa.csv), zipped, ready for ODK Central or KoboToolbox."""
    import io
    import zipfile

    from jaring.collection.lib.xlsform import VILLAGES_CSV, build_xlsform, villages_csv, xlsx_bytes

    round_ = _get_round(request, slug)
    form = build_xlsform(round_)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{round_.slug}.xlsx", xlsx_bytes(form))
        zf.writestr(VILLAGES_CSV, villages_csv(form))
    response = HttpResponse(buf.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="xlsform-{round_.slug}.zip"'
    return response
