"""Forms of the agreement pages: write or amend an agreement; a status step with its reason."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jaring.accounts.models import Organisation
from jaring.agreements.models import Agreement, AgreementKind, FieldGroup, Purpose


class AgreementForm(forms.Form):
    """An agreement's terms; saving an existing one makes a new version."""

    number = forms.CharField(label=_("Number"), max_length=80)
    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=AgreementKind.choices)
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(label=_("Valid to"), widget=forms.DateInput(attrs={"type": "date"}))
    providers = forms.ModelMultipleChoiceField(
        label=_("Data providers"),
        queryset=Organisation.objects.all(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    users = forms.ModelMultipleChoiceField(
        label=_("Data users"),
        queryset=Organisation.objects.all(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    supervisors = forms.ModelMultipleChoiceField(
        label=_("Supervisors"),
        queryset=Organisation.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    purposes = forms.MultipleChoiceField(
        label=_("Permitted purposes"), choices=Purpose.choices, widget=forms.CheckboxSelectMultiple
    )
    field_groups = forms.MultipleChoiceField(
        label=_("Field groups"),
        choices=FieldGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    areas = forms.CharField(
        label=_("Areas"),
        help_text=_("Kemendagri codes, separated by commas (a regency covers its villages)."),
    )
    aggregates_only = forms.BooleanField(label=_("Aggregates only"), required=False)
    min_cell = forms.IntegerField(label=_("Smallest count shown"), min_value=1, initial=5)
    document = forms.FileField(label=_("Signed document"), required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    reason = forms.CharField(label=_("Reason for this version"), required=False)

    @classmethod
    def for_agreement(cls, agreement: Agreement) -> AgreementForm:
        """The form filled with an agreement's current terms (for an amendment)."""
        parties = list(agreement.parties.all())
        initial: dict[str, Any] = {
            "number": agreement.number,
            "title": agreement.title,
            "kind": agreement.kind,
            "valid_from": agreement.valid_from,
            "valid_to": agreement.valid_to,
            "purposes": agreement.purposes,
            "field_groups": agreement.field_groups,
            "areas": ", ".join(agreement.areas),
            "aggregates_only": agreement.aggregates_only,
            "min_cell": agreement.min_cell,
            "notes": agreement.notes,
        }
        for role, key in (("provider", "providers"), ("user", "users"), ("supervisor", "supervisors")):
            initial[key] = [p.organisation_id for p in parties if p.role == role]
        form = cls(initial=initial)
        form.fields["number"].disabled = True
        return form

    def to_data(self) -> dict[str, Any]:
        """The cleaned form as the agreement text that ``services.save`` takes."""
        d = self.cleaned_data
        parties = [
            {"organisation": o.slug, "role": role}
            for role, key in (("provider", "providers"), ("user", "users"), ("supervisor", "supervisors"))
            for o in d.get(key) or []
        ]
        return {
            "number": d["number"],
            "title": d["title"],
            "kind": d["kind"],
            "valid_from": d["valid_from"],
            "valid_to": d["valid_to"],
            "parties": parties,
            "purposes": d["purposes"],
            "field_groups": d["field_groups"],
            "areas": d["areas"],
            "aggregates_only": d["aggregates_only"],
            "min_cell": d["min_cell"],
            "notes": d["notes"],
        }


class StepForm(forms.Form):
    """A status step (suspend, revoke, renew, activate) and why."""

    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)
    until = forms.DateField(
        label=_("New end date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
