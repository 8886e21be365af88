"""Role, administrator and permission changes join the audit log's actions.

SQLite rebuilds the table to change the check constraint, which drops its triggers,
so they are taken down first and put back afterwards (on PostgreSQL this is a no-op
round trip).
"""

from django.db import migrations, models

from moderation import db_triggers

ACTIONS = [
    ("held", "Held for a moderator"),
    ("approved", "Approved"),
    ("auto_hidden", "Hidden after reports"),
    ("hidden", "Hidden"),
    ("unhidden", "Shown again"),
    ("dismissed", "Reports dismissed"),
    ("redacted", "Redacted"),
    ("locked", "Discussion closed"),
    ("unlocked", "Discussion reopened"),
    ("suspended", "Account suspended"),
    ("reinstated", "Account reinstated"),
    ("role_granted", "Role given"),
    ("role_removed", "Role taken away"),
    ("admin_granted", "Administrator rights given"),
    ("admin_removed", "Administrator rights taken away"),
    ("permissions_changed", "Role's permissions changed"),
]


class Migration(migrations.Migration):
    dependencies = [("moderation", "0003_audit_append_only")]

    operations = [
        migrations.RunPython(db_triggers.drop, db_triggers.create),
        migrations.RemoveConstraint(model_name="auditentry", name="audit_action_known"),
        migrations.AlterField(
            model_name="auditentry",
            name="action",
            field=models.CharField(choices=ACTIONS, max_length=24),
        ),
        migrations.AddConstraint(
            model_name="auditentry",
            constraint=models.CheckConstraint(
                condition=models.Q(action__in=[value for value, _ in ACTIONS]),
                name="audit_action_known",
            ),
        ),
        migrations.RunPython(db_triggers.create, db_triggers.drop),
    ]
