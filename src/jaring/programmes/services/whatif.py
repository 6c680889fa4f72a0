"""What-if changes: changed copies of a programme's sources, their checks, read from a file or a form."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from jaring.planning import premiums as prem
from jaring.programmes.models import (
    FundingSource,
    Programme,
)

# The fields a what-if may change on a source, with the aliases the what-if file accepts.
WHAT_IF_FIELDS = {
    "quota": "quota_persons",
    "quota_persons": "quota_persons",
    "budget": "budget_rupiah",
    "budget_rupiah": "budget_rupiah",
    "max_months_per_person": "max_months_per_person",
    "first_month": "first_month",
    "last_month": "last_month",
    "rule": "rule",
}


class WhatIfError(ValueError):
    """A what-if description that cannot be applied (unknown source or field, bad value)."""

    def __init__(self, message_id: str, message_en: str) -> None:
        super().__init__(f"{message_id} / {message_en}")
        self.message_id = message_id
        self.message_en = message_en


def source_copies(programme: Programme, overrides: dict[str, Any] | None = None) -> list[FundingSource]:
    """Unsaved copies of a programme's sources with a what-if's changes applied (validated).

    ``overrides`` maps a source slug to the fields to change (``WHAT_IF_FIELDS``; null removes a limit).
    Raises WhatIfError for an unknown source or field and for a value the source would refuse."""
    import copy

    originals = list(programme.sources.select_related("programme", "payer"))
    by_slug = {s.slug: s for s in originals}
    changes = overrides or {}
    if not isinstance(changes, dict):
        raise WhatIfError("'sources' harus berupa objek", "'sources' must be an object")
    for slug in changes:
        if slug not in by_slug:
            raise WhatIfError(
                f"sumber '{slug}' tidak ada dalam program ini", f"no source '{slug}' in this programme"
            )
    out: list[FundingSource] = []
    for source in originals:
        mine = copy.copy(source)
        fields = changes.get(source.slug) or {}
        if not isinstance(fields, dict):
            raise WhatIfError(
                f"perubahan sumber '{source.slug}' harus berupa objek",
                f"changes of '{source.slug}' must be an object",
            )
        for key, value in fields.items():
            name = WHAT_IF_FIELDS.get(key)
            if name is None:
                raise WhatIfError(
                    f"kolom '{key}' tidak dapat diubah (bisa: {', '.join(sorted(WHAT_IF_FIELDS))})",
                    f"field '{key}' cannot be changed (allowed: {', '.join(sorted(WHAT_IF_FIELDS))})",
                )
            value = _what_if_value(source.slug, key, name, value)
            setattr(mine, name, value)
        if fields:
            texts = {lang: _copy_problem(mine, lang) for lang in ("id", "en")}
            if texts["en"] is not None:
                raise WhatIfError(f"'{source.slug}': {texts['id']}", f"'{source.slug}': {texts['en']}")
        out.append(mine)
    return out


def _copy_problem(copy_: FundingSource, language: str) -> str | None:
    """The validation problems of a changed source copy in one language, or None when it is valid."""
    from django.utils import translation

    with translation.override(language):
        try:
            copy_.clean_fields(exclude=["programme", "payer", "slug", "name", "kind"])
            copy_.clean()
        except ValidationError as exc:
            return "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in exc.message_dict.items())
    return None


def _what_if_value(slug: str, key: str, name: str, value: Any) -> Any:
    """One what-if value converted to the field's type (months from 'YYYY-MM')."""
    bad = WhatIfError(f"nilai '{key}' untuk '{slug}' tidak valid", f"bad value of '{key}' for '{slug}'")
    if isinstance(value, str) and ("\x00" in value or len(value) > 5000):
        raise bad  # PostgreSQL refuses NUL in text and JSON; a rule is never that long
    if name in ("first_month", "last_month"):
        if not isinstance(value, str):
            raise bad
        try:
            return prem.parse_month(value)
        except Exception as exc:
            raise bad from exc
    if name == "rule":
        if value is None:
            return ""
        if not isinstance(value, str):
            raise bad
        return value
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > 10**15:
        raise bad
    return value


def parse_what_if(data: Any) -> dict[str, Any]:
    """The source changes of a what-if description ``{"sources": {slug: {field: value}}}``."""
    if not isinstance(data, dict) or set(data) - {"sources", "label"}:
        raise WhatIfError(
            "what-if harus berupa objek dengan kunci 'sources'",
            "a what-if must be an object with the key 'sources'",
        )
    sources = data.get("sources") or {}
    if not isinstance(sources, dict):
        raise WhatIfError("'sources' harus berupa objek", "'sources' must be an object")
    return sources


def _source_from_spec(programme: Programme, spec: dict[str, Any], months: list[str]) -> FundingSource:
    """An unsaved FundingSource from a plan's stored source spec (what the plan was computed with)."""
    return FundingSource(
        programme=programme,
        slug=spec["key"],
        name=spec["name"],
        kind=spec["kind"],
        rule=spec.get("rule", ""),
        first_month=prem.parse_month(months[spec["first_month"]]),
        last_month=prem.parse_month(months[spec["last_month"]]),
        quota_persons=spec.get("quota_persons"),
        budget_rupiah=spec.get("budget"),
        max_months_per_person=spec.get("max_months_per_person"),
    )


def what_if_from_form(sources: list[FundingSource], data: Any) -> dict[str, Any]:
    """The source changes a what-if form posted (fields ``SLUG__budget`` …; only values that differ)."""
    from jaring.programmes.models import month_label

    out: dict[str, Any] = {}
    for s in sources:
        mine: dict[str, Any] = {}
        current = {
            "quota": s.quota_persons,
            "budget": s.budget_rupiah,
            "max_months_per_person": s.max_months_per_person,
            "first_month": month_label(s.first_month),
            "last_month": month_label(s.last_month),
            "rule": s.rule,
        }
        for key, now in current.items():
            name = f"{s.slug}__{key}"
            if name not in data:
                continue
            raw = str(data.get(name, "")).strip()
            if key in ("quota", "budget", "max_months_per_person"):
                value: Any = None
                if raw:
                    digits = raw.replace(".", "").replace(",", "").replace("_", "").replace(" ", "")
                    if not digits.isdigit():
                        raise WhatIfError(
                            f"'{s.slug}': {key} harus berupa bilangan bulat",
                            f"'{s.slug}': {key} must be a whole number",
                        )
                    value = int(digits)
            else:
                value = raw
            if value != now:
                mine[key] = value
        if mine:
            out[s.slug] = mine
    return out
