"""On PostgreSQL, compare name_search bytewise (COLLATE "C").

The name search is an index range [q, q + U+FFFF). Under a linguistic collation (en_US.UTF-8, id_ID…)
spaces are ignored at the first level and U+FFFF may not sort last, so the range could miss or add names;
byte order makes it exact. name_search only holds [a-z0-9 ], so nothing else changes. SQLite already
compares bytewise (BINARY).
"""

from django.db import migrations


def to_c_collation(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        'ALTER TABLE registry_person ALTER COLUMN name_search TYPE varchar(200) COLLATE "C"'
    )


def to_default_collation(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        'ALTER TABLE registry_person ALTER COLUMN name_search TYPE varchar(200) COLLATE "default"'
    )


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_person_is_synthetic_index")]

    operations = [migrations.RunPython(to_c_collation, to_default_collation)]
