"""Forms of the import pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jaring.geo.models import Area


class UploadForm(forms.Form):
    """A spreadsheet and the village (or wider area) it is for."""

    file = forms.FileField(label=_("Spreadsheet (CSV or XLSX)"))
    village = forms.ModelChoiceField(queryset=Area.objects.none(), label=_("Village"), to_field_name="code")
    sheet = forms.CharField(label=_("Sheet (XLSX, optional)"), max_length=100, required=False)

    def __init__(self, *args: Any, villages: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["village"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = villages if villages is not None else Area.objects.none()
        field.label_from_instance = lambda a: f"{a.name} ({a.code})"  # type: ignore[method-assign,assignment]
