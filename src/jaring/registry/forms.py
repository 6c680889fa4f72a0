"""The person form of the web pages (validation itself lives in registry.services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jaring.accounts.scope import Scope
from jaring.geo.models import Area
from jaring.registry.models import (
    PERSON_FIELDS,
    BpjsStatus,
    EmploymentStatus,
    OccupationCategory,
    Person,
    Sex,
)


class PersonForm(forms.ModelForm):
    """Create or edit one person; ``version`` carries the optimistic lock on edit."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Person
        fields = PERSON_FIELDS
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = scope.villages().select_related("parent").order_by("code")  # type: ignore[attr-defined]
        self.fields["village"].label_from_instance = Area.place_label  # type: ignore[attr-defined]
        self.fields["occupation"].queryset = OccupationCategory.objects.all()  # type: ignore[attr-defined]
        # Typed NIKs/KKs/phones may carry spaces or dots; services normalise them before validation.
        for name, length in (("nik", 32), ("kk", 32), ("phone", 30)):
            field = self.fields[name]
            assert isinstance(field, forms.CharField)
            field.max_length = length
            field.validators = [v for v in field.validators if not hasattr(v, "limit_value")]
            field.widget.attrs["maxlength"] = str(length)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def _normalised(self, name: str) -> Any:
        from jaring.registry.services import normalise_data

        return normalise_data({name: self.cleaned_data.get(name) or ""})[name]

    def clean_nik(self) -> str:
        return str(self._normalised("nik"))

    def clean_kk(self) -> str:
        return str(self._normalised("kk"))

    def clean_phone(self) -> str:
        return str(self._normalised("phone"))


class FilterForm(forms.Form):
    """Filters of the registry list and its exports."""

    q = forms.CharField(label=_("NIK or name"), required=False, max_length=100)
    village = forms.CharField(label=_("Village"), required=False, max_length=13)
    occupation = forms.CharField(label=_("Occupation"), required=False, max_length=60)
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=[("", "—"), *Sex.choices])
    bpjs_status = forms.ChoiceField(
        label=_("BPJS status"), required=False, choices=[("", "—"), *BpjsStatus.choices]
    )
    synthetic = forms.ChoiceField(
        label=_("Synthetic"),
        required=False,
        choices=[("", "—"), ("yes", _("Synthetic only")), ("no", _("Real only"))],
    )


EMPLOYMENT_CHOICES = EmploymentStatus.choices
