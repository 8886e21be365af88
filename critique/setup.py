"""After `migrate` (and `flush`): a published rubric exists and editors may change it."""

from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Permission
from django.db import connections, transaction

from wagtail.snippets.models import create_extra_permissions

from accounts.roles import Role, roles_ensure_groups

from .models import Rubric, RubricVersion
from .rubric import rubric_ensure_default, rubric_version_publish

EDITOR_PERMISSIONS = ("add_rubric", "change_rubric", "publish_rubric")


def critique_ensure_setup(sender, using: str = "default", **kwargs) -> None:
    if (
        RubricVersion._meta.db_table
        not in connections[using].introspection.table_names()
    ):
        return
    create_permissions(sender, verbosity=0, using=using)
    # Wagtail makes "publish_rubric" after wagtail.snippets migrates, which comes
    # after this app in INSTALLED_APPS: make it now so editors can be given it.
    create_extra_permissions(sender, using=using)
    with transaction.atomic(using=using):
        rubric_ensure_default()
        editors = roles_ensure_groups()[Role.EDITOR]
        editors.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="critique", codename__in=EDITOR_PERMISSIONS
            )
        )


def rubric_published(sender, instance: Rubric, revision=None, **kwargs) -> None:
    """Wagtail's `published` signal: freeze the rubric as a new version if it changed."""
    by = getattr(revision, "user", None) if revision is not None else None
    rubric_version_publish(rubric=instance, by=by)
