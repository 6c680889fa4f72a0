"""Seed the quality thresholds with their defaults (data stewards change them in the admin)."""

from typing import Any

from django.db import migrations

DEFAULTS = [
    (
        "completeness",
        "min",
        0.80,
        None,
        "Each field a BPJS registration needs (birth date, address, phone, occupation, income).",
    ),
    ("nik_valid_rate", "min", 0.95, None, ""),
    ("nik_sex_consistency", "min", 0.97, None, ""),
    ("nik_birth_date_consistency", "min", 0.95, None, ""),
    ("duplicate_rate", "max", 0.03, None, ""),
    ("gps_inside_share", "min", 0.90, None, "Only where the village shape exists."),
    (
        "age_outlier_share",
        "max",
        0.05,
        None,
        "Working age: JARING_MIN_WORKING_AGE to JARING_MAX_WORKING_AGE.",
    ),
    ("income_outlier_share", "max", 0.05, 3.5, "Parameter: robust z-score limit."),
    ("other_occupation_share", "max", 0.15, None, ""),
]


def seed(apps: Any, schema_editor: Any) -> None:
    Threshold = apps.get_model("review", "QualityThreshold")
    for indicator, comparison, limit, parameter, note in DEFAULTS:
        Threshold.objects.get_or_create(
            indicator=indicator,
            defaults={"comparison": comparison, "limit": limit, "parameter": parameter, "note": note},
        )


class Migration(migrations.Migration):
    dependencies = [("review", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
