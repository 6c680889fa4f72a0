"""Registry pages: list, person, create/edit/delete and exports. Thin: scope and services do the work."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jaring.accounts.scope import Scope, scope_for
from jaring.core import changelog
from jaring.core.http import download, request_id
from jaring.registry import hooks, services
from jaring.registry.exports import export_frame, to_csv, to_xlsx
from jaring.registry.forms import FilterForm, PersonForm
from jaring.registry.models import AUDITED_FIELDS, ChangeVia, OccupationCategory, Person
from jaring.registry.search import COUNT_CAP, PersonFilters, capped_count, with_list_relations

PAGE_SIZE = 50


class CappedPaginator(Paginator):
    """A paginator that counts at most COUNT_CAP rows (no COUNT(*) over a million persons per page)."""

    def __init__(self, object_list: Any, per_page: int) -> None:
        super().__init__(object_list, per_page)
        self.capped_count, self.is_capped = capped_count(object_list)

    @property
    def count(self) -> int:  # type: ignore[override]
        return self.capped_count


def _personal_scope(request: HttpRequest) -> Scope:
    scope = scope_for(request.user)
    if not scope.can_read_personal_data:
        # Sponsors (and users without a role) see aggregates only: the dashboard.
        raise PermissionDenied(_("Your role sees aggregates only."))
    return scope


def _filters(request: HttpRequest) -> tuple[FilterForm, PersonFilters]:
    form = FilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    synthetic = {"yes": True, "no": False}.get(data.get("synthetic") or "")
    filters = PersonFilters(
        q=data.get("q", ""),
        village=data.get("village", ""),
        occupation=data.get("occupation", ""),
        sex=data.get("sex", ""),
        bpjs_status=data.get("bpjs_status", ""),
        is_synthetic=synthetic,
    )
    return form, filters


def _get_person(scope: Scope, person_id: int) -> Person:
    # 404 (not 403) outside the scope: nobody learns that a person exists elsewhere.
    person = scope.persons().select_related("village", "occupation", "batch").filter(pk=person_id).first()
    if person is None:
        raise Http404(_("Person not found."))
    return person


def person_list(request: HttpRequest) -> HttpResponse:
    """The registry: search by NIK or name, filters, pagination, export links."""
    scope = _personal_scope(request)
    form, filters = _filters(request)
    qs = with_list_relations(filters.scoped(scope))
    paginator = CappedPaginator(qs, PAGE_SIZE)
    page: Page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "registry/person_list.html",
        {
            "form": form,
            "page": page,
            "count": paginator.capped_count,
            "count_capped": paginator.is_capped,
            "count_cap": COUNT_CAP,
            "query": query.urlencode(),
            "villages": scope.villages().order_by("name").values_list("code", "name"),
            "occupations": OccupationCategory.objects.values_list("slug", "name"),
            "scope": scope,
        },
    )


def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    """All fields of a person, the household (same KK, in scope) and the change log."""
    scope = _personal_scope(request)
    person = _get_person(scope, person_id)
    changes = changelog.annotate(
        services.person_changes(person.pk)[:100], lambda _c: Person, lambda c: c.changed_fields()
    )
    fields = [(Person._meta.get_field(name), getattr(person, name)) for name in _DETAIL_FIELDS]
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "fields": fields,
            "household": services.household_members(person, scope),
            "changes": changes,
            "labels": _field_labels(),
            "can_edit": scope.can_edit and scope.covers_area(person.village),
            **hooks.person_detail_flags(scope),
        },
    )


_DETAIL_FIELDS = [
    "kk",
    "sex",
    "birth_date",
    "birth_place",
    "dusun",
    "rt",
    "rw",
    "address",
    "phone",
    "latitude",
    "longitude",
    "occupation_text",
    "kbji_code",
    "employment_status",
    "monthly_income",
    "dependants",
    "has_disability",
    "is_household_head",
    "bpjs_status",
    "bpjs_number",
    "source_row",
    "version",
    "created_at",
    "updated_at",
]


def _field_labels() -> dict[str, str]:
    labels = {}
    for name in AUDITED_FIELDS:
        field_name = name.removesuffix("_id")
        labels[name] = str(getattr(Person._meta.get_field(field_name), "verbose_name", field_name))
    return labels


def _apply_service_errors(form: PersonForm, exc: services.PersonInvalid) -> None:
    for err in exc.errors:
        target = err.field if err.field in form.fields else None
        form.add_error(target, f"{err.message_id} / {err.message_en}" if err.message_id else err.message_en)


@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    """Enter one person on the web."""
    scope = _personal_scope(request)
    if not scope.can_edit:
        raise PermissionDenied(_("Your role cannot change the registry."))
    form = PersonForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            person = services.create_person(
                data, actor=request.user, via=ChangeVia.WEB, request_id=request_id(request)
            )
        except services.PersonInvalid as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, _("Person saved."))
            return redirect("registry:detail", person_id=person.pk)
    return render(request, "registry/person_form.html", {"form": form, "person": None})


@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    """Edit one person; a change made meanwhile by someone else is shown, never overwritten."""
    scope = _personal_scope(request)
    person = _get_person(scope, person_id)
    if not (scope.can_edit and scope.covers_area(person.village)):
        raise PermissionDenied(_("Your role cannot change the registry."))
    conflict: services.StaleVersion | None = None
    form = PersonForm(request.POST or None, instance=person, scope=scope)
    if request.method == "POST" and form.is_valid():
        expected = form.cleaned_data.get("version") or 0
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            updated = services.update_person(
                Person.objects.get(pk=person.pk),
                data,
                actor=request.user,
                expected_version=expected,
                via=ChangeVia.WEB,
                request_id=request_id(request),
            )
        except services.StaleVersion as exc:
            conflict = exc
        except services.PersonInvalid as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("registry:detail", person_id=updated.pk)
    return render(
        request, "registry/person_form.html", {"form": form, "person": person, "conflict": conflict}
    )


@require_http_methods(["GET", "POST"])
def person_delete(request: HttpRequest, person_id: int) -> HttpResponse:
    """Ask for confirmation, then delete (the change log keeps the last image)."""
    scope = _personal_scope(request)
    person = _get_person(scope, person_id)
    if not (scope.can_edit and scope.covers_area(person.village)):
        raise PermissionDenied(_("Your role cannot change the registry."))
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", "0"))
        except ValueError:
            version = 0
        try:
            services.delete_person(
                person,
                actor=request.user,
                via=ChangeVia.WEB,
                request_id=request_id(request),
                expected_version=version,
            )
        except services.StaleVersion:
            messages.error(
                request, _("Someone else changed this person meanwhile; check the change before deleting.")
            )
            return redirect("registry:detail", person_id=person.pk)
        messages.success(request, _("Person deleted."))
        return redirect("registry:list")
    return render(request, "registry/person_confirm_delete.html", {"person": person})


def person_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The filtered registry (in scope) as CSV or XLSX."""
    scope = _personal_scope(request)
    _form, filters = _filters(request)
    df = export_frame(filters.scoped(scope))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return download(to_xlsx(df) if fmt == "xlsx" else to_csv(df), f"jaring-persons-{stamp}.{fmt}")


def household_list(request: HttpRequest) -> HttpResponse:
    """Households (persons sharing a KK) in scope, largest first."""
    scope = _personal_scope(request)
    rows = services.households(scope)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "registry/household_list.html", {"page": page})
