"""Load the default BPU premium data (schedule, JKK brackets, transport workers, PP 50/2025 discounts)."""

from django.db import migrations


def seed(apps, schema_editor):
    from jaring.programmes.services import seed_premium_data

    seed_premium_data(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0001_initial"),
        ("registry", "0002_seed_occupations"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
