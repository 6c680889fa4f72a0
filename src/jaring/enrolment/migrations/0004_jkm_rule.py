"""The JKM warning: the full death benefit needs 3 months of membership (unverified, DOMAIN.md §2)."""

from django.db import migrations


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    Rule = apps.get_model("enrolment", "MembershipRule")
    Rule.objects.get_or_create(
        slug="jkm-full-benefit",
        defaults={
            "min_months": 3,
            "text_id": (
                "Manfaat kematian JKM penuh (Rp42 juta) baru berlaku setelah 3 bulan kepesertaan; sebelumnya "
                "hanya biaya pemakaman (Rp10 juta)."
            ),
            "text_en": (
                "The full JKM death benefit (Rp42 million) needs 3 months of membership; before that only "
                "funeral costs (Rp10 million) are paid."
            ),
            "source": "2025 rule reported in the news (DOMAIN.md §2 and §7); not checked against the regulation",
            "is_verified": False,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("enrolment", "0003_membership_rule")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
