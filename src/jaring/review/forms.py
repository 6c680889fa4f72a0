"""Forms of the review pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jaring.imports.models import ReviewStatus
from jaring.review.models import ReviewAction


class ActionForm(forms.Form):
    """One review step with an optional comment (required to return a batch)."""

    action = forms.ChoiceField(choices=ReviewAction.choices)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=5000, widget=forms.Textarea)


class RowCommentForm(forms.Form):
    """A comment on one spreadsheet row (the person of that row is linked automatically)."""

    row = forms.IntegerField(label=_("Row in the spreadsheet"), min_value=2, required=False)
    person = forms.IntegerField(label=_("Person id"), min_value=1, required=False, widget=forms.HiddenInput)
    column = forms.CharField(label=_("Column (optional)"), max_length=100, required=False)
    text = forms.CharField(label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class QueueFilterForm(forms.Form):
    """Filters of the review queue."""

    status = forms.ChoiceField(
        label=_("Review status"),
        required=False,
        choices=[("", _("To act on")), ("all", _("All")), *ReviewStatus.choices],
    )
    village = forms.CharField(label=_("Area code"), required=False, max_length=13)
    round = forms.CharField(label=_("Round"), required=False, max_length=80)
    q = forms.CharField(label=_("File name"), required=False, max_length=100)
