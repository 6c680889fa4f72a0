"""Forms of the event pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AttendanceForm(forms.Form):
    code = forms.CharField(
        label=_("Invitation code (scan the QR) or NIK"),
        max_length=40,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off", "inputmode": "text"}),
    )
