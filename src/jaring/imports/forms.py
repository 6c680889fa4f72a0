"""Forms of the import pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jaring.geo.models import Area
from jaring.imports.rounds import rules as round_rules


class UploadForm(forms.Form):
    """A spreadsheet and the village (or wider area) it is for."""

    file = forms.FileField(label=_("Spreadsheet (CSV or XLSX)"))
    village = forms.ModelChoiceField(queryset=Area.objects.none(), label=_("Village"), to_field_name="code")
    sheet = forms.CharField(
        label=_("Sheet of the workbook (XLSX, optional)"),
        help_text=_("The name of the sheet to read; empty: the first sheet."),
        max_length=100,
        required=False,
    )
    round: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None,  # set in __init__: the rounds this user may use
        label=_("Collection round (optional)"),
        required=False,
        to_field_name="slug",
    )

    def __init__(self, *args: Any, villages: Any = None, rounds: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        round_field = self.fields["round"]
        assert isinstance(round_field, forms.ModelChoiceField)
        round_field.queryset = rounds if rounds is not None else round_rules().all_rounds().none()
        field = self.fields["village"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = villages if villages is not None else Area.objects.none()
        field.label_from_instance = lambda a: f"{a.name} ({a.code})"  # type: ignore[method-assign,assignment]
        if not self.is_bound:
            self._preselect(field.queryset, round_field.queryset)

    def _preselect(self, villages: Any, rounds: Any) -> None:
        """One village and one round open for it (not ended; else the only one): chosen already."""
        import datetime as dt

        only = list(villages[:2])
        if len(only) != 1:
            return
        self.initial.setdefault("village", only[0].code)
        targeting = list(rounds.filter(target_villages=only[0]).distinct()[:10])
        today = dt.date.today()
        current = [r for r in targeting if r.period_end >= today]
        chosen = current if current else targeting
        if len(chosen) == 1:
            self.initial.setdefault("round", chosen[0].slug)

    def clean(self) -> dict[str, Any]:
        """A round must have the chosen area among its targets."""
        data = super().clean() or {}
        round_, village = data.get("round"), data.get("village")
        if round_ is not None and village is not None and not round_rules().covers(round_, village):
            self.add_error("round", _("This area is not a target of the round."))
        return data
