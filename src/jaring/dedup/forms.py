"""Forms of the dedup pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jaring.dedup.models import ConflictStatus


class RunForm(forms.Form):
    """Start a deduplication run."""

    threshold = forms.FloatField(
        label=_("Match probability threshold"), min_value=0.5, max_value=0.999, initial=0.9
    )


class ConflictForm(forms.Form):
    """Resolve a NIK conflict."""

    resolution = forms.ChoiceField(
        label=_("Resolution"),
        choices=[(k, v) for k, v in ConflictStatus.choices if k != ConflictStatus.OPEN],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
