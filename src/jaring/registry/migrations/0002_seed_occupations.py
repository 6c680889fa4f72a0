from django.db import migrations


def seed(apps, schema_editor):
    from jaring.registry.occupations import OCCUPATIONS

    OccupationCategory = apps.get_model("registry", "OccupationCategory")
    for slug, name, name_en, kbji, is_local, aliases in OCCUPATIONS:
        OccupationCategory.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "name_en": name_en,
                "kbji_major": kbji,
                "is_local": is_local,
                "aliases": aliases,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
