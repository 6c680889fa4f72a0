"""Forms of the bill and payment pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class MonthForm(forms.Form):
    programme = forms.SlugField(label=_("Programme"))
    month = forms.RegexField(label=_("Month"), regex=r"^\d{4}-\d{2}$", help_text="YYYY-MM")


class StatementForm(forms.Form):
    file = forms.FileField(label=_("Payment statement (CSV or XLSX)"))
