"""The audit log is append-only in the database too: a trigger on SQLite and
PostgreSQL refuses every UPDATE and DELETE of an audit entry."""

from django.db import migrations

from moderation import db_triggers


class Migration(migrations.Migration):
    dependencies = [("moderation", "0002_audit_log_and_suspensions")]

    operations = [migrations.RunPython(db_triggers.create, db_triggers.drop)]
