"""A cheap fingerprint of the registry, for caches of aggregates (the dashboard, published figures)."""

from __future__ import annotations


def registry_state() -> tuple[int, int]:
    """A cheap fingerprint of the registry: it changes whenever a person is added, changed or deleted.

    Every write (web, API, import) logs a PersonChange, and inserts raise the highest person id; both
    maxima come from primary-key indexes.
    """
    from django.db.models import Max

    from jaring.registry.models import Person, PersonChange

    last_change = PersonChange.objects.aggregate(m=Max("id"))["m"] or 0
    last_person = Person.objects.aggregate(m=Max("id"))["m"] or 0
    return int(last_change), int(last_person)
