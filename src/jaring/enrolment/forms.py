"""Forms of the enrolment pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class BatchForm(forms.Form):
    programme = forms.SlugField(label=_("Programme"))
    payer = forms.CharField(label=_("Payer (source kind or slug)"), max_length=80)
    month = forms.RegexField(label=_("Start month"), regex=r"^\d{4}-\d{2}$", help_text="YYYY-MM")


class AnswerForm(forms.Form):
    file = forms.FileField(label=_("BPJS answer file (CSV or XLSX)"))
