"""The audit trail's filter form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jaring.audit import services


class AuditFilterForm(forms.Form):
    """Kind, user, date range and object (person, batch or programme) of the changes to list."""

    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[])
    user = forms.CharField(label=_("User (login name)"), required=False, max_length=150)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    person = forms.CharField(label=_("Person (NIK)"), required=False, max_length=16)
    batch = forms.IntegerField(label=_("Batch number"), required=False, min_value=1)
    programme = forms.SlugField(label=_("Programme"), required=False, max_length=80)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from jaring.programmes.models import Programme

        self.fields["kind"] = forms.ChoiceField(
            label=_("Kind"), required=False, choices=[("", _("All kinds")), *services.kinds()]
        )
        self.fields["programme"] = forms.ChoiceField(
            label=_("Programme"),
            required=False,
            choices=[("", _("All programmes")), *Programme.objects.values_list("slug", "name")],
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data

    def filters(self) -> services.AuditFilters:
        """The valid filters (an invalid form filters nothing it could not read)."""
        data = self.cleaned_data if self.is_valid() else {}
        return services.AuditFilters(
            kind=data.get("kind") or "",
            user=(data.get("user") or "").strip(),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            person=(data.get("person") or "").strip(),
            batch=data.get("batch"),
            programme=data.get("programme") or "",
        )
