"""Forms of the import pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jaring.collection.models import Round
from jaring.geo.models import Area


class UploadForm(forms.Form):
    """A spreadsheet and the village (or wider area) it is for."""

    file = forms.FileField(label=_("Spreadsheet (CSV or XLSX)"))
    village = forms.ModelChoiceField(queryset=Area.objects.none(), label=_("Village"), to_field_name="code")
    sheet = forms.CharField(label=_("Sheet (XLSX, optional)"), max_length=100, required=False)
    round = forms.ModelChoiceField(
        queryset=Round.objects.none(),
        label=_("Collection round (optional)"),
        required=False,
        to_field_name="slug",
    )

    def __init__(self, *args: Any, villages: Any = None, rounds: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        round_field = self.fields["round"]
        assert isinstance(round_field, forms.ModelChoiceField)
        round_field.queryset = rounds if rounds is not None else Round.objects.none()
        field = self.fields["village"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = villages.select_related("parent") if villages is not None else Area.objects.none()
        field.label_from_instance = Area.place_label  # type: ignore[method-assign,assignment]

    def clean(self) -> dict[str, Any]:
        """A round must have the chosen area among its targets."""
        data = super().clean() or {}
        round_, village = data.get("round"), data.get("village")
        if round_ is not None and village is not None:
            from jaring.collection.services import round_covers

            if not round_covers(round_, village):
                self.add_error("round", _("This area is not a target of the round."))
        return data
