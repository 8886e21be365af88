"""A score may only point at a criterion of its own critique's rubric version.

Two tables are involved, so a CHECK constraint cannot say it; a trigger on each
database we run on does. A crafted write that mixes versions fails with an
integrity error and nothing is saved.
"""

from django.db import migrations

from critique import db_triggers


class Migration(migrations.Migration):
    dependencies = [("critique", "0001_initial")]

    operations = [migrations.RunPython(db_triggers.create, db_triggers.drop)]
