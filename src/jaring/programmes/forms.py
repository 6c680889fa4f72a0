"""Forms of the programme pages (validation itself lives in the models' clean() and services)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jaring.accounts.models import Organisation
from jaring.geo.models import Area, AreaLevel
from jaring.programmes.models import FundingSource, Programme


class MonthField(forms.DateField):
    """A month typed as YYYY-MM (the browser's month picker), stored as its first day."""

    widget = forms.DateInput(attrs={"type": "month", "placeholder": "YYYY-MM"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value: Any) -> dt.date | None:
        day = super().to_python(value)
        return day.replace(day=1) if day is not None else None


class ProgrammeForm(forms.ModelForm):  # type: ignore[type-arg]
    """Create or edit a programme."""

    first_month = MonthField(label=_("First month"))
    last_month = MonthField(label=_("Last month"))

    class Meta:
        model = Programme
        fields = [
            "slug",
            "name",
            "area",
            "first_month",
            "last_month",
            "includes_jht",
            "declared_income",
            "notes",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "priority_criteria": forms.Textarea(attrs={"rows": 3, "class": "mono"}),
        }

    def __init__(self, *args: Any, areas: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qs = Area.objects.filter(level=AreaLevel.REGENCY)
        if areas is not None:
            qs = qs.filter(pk__in=areas.values("pk"))
        self.fields["area"].queryset = qs.order_by("code")  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["slug"].disabled = True

    def clean_priority_criteria(self) -> Any:
        """An empty box means the planner's default (an empty list), never a missing value."""
        return self.cleaned_data.get("priority_criteria") or []


class FundingSourceForm(forms.ModelForm):  # type: ignore[type-arg]
    """Create or edit a funding source; the rule textarea is checked live by the page's script."""

    first_month = MonthField(label=_("First month"))
    last_month = MonthField(label=_("Last month"))

    class Meta:
        model = FundingSource
        fields = [
            "slug",
            "name",
            "kind",
            "payer",
            "rule",
            "first_month",
            "last_month",
            "quota_persons",
            "budget_rupiah",
            "max_months_per_person",
            "legal_basis",
            "notes",
        ]
        widgets = {
            "rule": forms.Textarea(
                attrs={"rows": 4, "spellcheck": "false", "class": "mono", "id": "rule-input"}
            ),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.programme = programme
        self.fields["payer"].queryset = Organisation.objects.order_by("name")  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["slug"].disabled = True

    def clean_slug(self) -> str:
        """A slug not yet used by another source of the same programme."""
        slug: str = self.cleaned_data["slug"]
        # The programme is not a form field, so the model's (programme, slug) constraint is checked here.
        others = FundingSource.objects.filter(programme=self.instance.programme, slug=slug)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("Another source of this programme already uses this slug."))
        return slug
