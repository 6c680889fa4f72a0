"""The default collective-registration mapping (Permenaker 5/2021 fields)."""

from django.db import migrations


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    from jaring.enrolment.lib.mapping import DEFAULT_COLUMNS, DEFAULT_SOURCE

    Mapping = apps.get_model("enrolment", "RegistrationMapping")
    Mapping.objects.get_or_create(
        slug="permenaker-5-2021",
        defaults={
            "name": "Permenaker 5/2021 (default)",
            "columns": DEFAULT_COLUMNS,
            "source": DEFAULT_SOURCE,
            "is_default": True,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("enrolment", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
