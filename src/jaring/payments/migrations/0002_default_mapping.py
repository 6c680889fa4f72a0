"""The default payment-statement mapping (BPJS billing statement and bank transfer list headers)."""

from django.db import migrations


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    from jaring.payments.statements import DEFAULT_COLUMNS

    Mapping = apps.get_model("payments", "StatementMapping")
    Mapping.objects.get_or_create(
        slug="default",
        defaults={"name": "BPJS / bank statement (default)", "columns": DEFAULT_COLUMNS, "is_default": True},
    )


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
