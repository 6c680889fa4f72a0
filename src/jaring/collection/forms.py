"""Forms of the collection pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jaring.imports.models import ReviewStatus


def review_choices() -> list[tuple[str, Any]]:
    """Review statuses a village can show, "no submission" included."""
    from jaring.collection.services import NO_SUBMISSION

    choices: list[tuple[str, Any]] = [("", "—"), (NO_SUBMISSION, _("No submission"))]
    choices.extend(ReviewStatus.choices)
    return choices


class ProgressFilterForm(forms.Form):
    """Filters of a round's per-village table."""

    district = forms.CharField(label=_("District"), required=False, max_length=8)
    review_status = forms.ChoiceField(label=_("Review status"), required=False, choices=review_choices)
    no_submission = forms.BooleanField(label=_("Only villages without a submission"), required=False)
