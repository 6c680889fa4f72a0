"""On PostgreSQL the audit tables refuse UPDATE and DELETE (a trigger), whoever the application connects as.

TRUNCATE is left to the tables' owner (Django's test flush uses it); in production the application's role
does not own them (docs/governance.md). A role that owns the tables can still disable the trigger or
truncate them; that is what `jaring audit verify` and the daily anchors are for.
"""

from django.db import migrations

TABLES = ("auditlog_auditevent", "auditlog_auditanchor")

FUNCTION = """
CREATE OR REPLACE FUNCTION jaring_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit tables are append-only (%% on %%)', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION jaring_audit_append_only()"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS jaring_audit_append_only()")


class Migration(migrations.Migration):
    dependencies = [("auditlog", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
