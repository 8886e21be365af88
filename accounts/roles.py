"""Roles people hold on the site. Each role is a Django group of the same name.

Permissions are checked one way everywhere: through group membership (and the
permissions granted to each group), never through ad hoc flags.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", _("Practitioner")
    TEAM_MANAGER = "team_manager", _("Team manager")
    PRINCIPAL_SOCIAL_WORKER = "principal_social_worker", _("Principal social worker")
    RESEARCHER = "researcher", _("Researcher")
    EDITOR = "editor", _("Editor")
    MODERATOR = "moderator", _("Moderator")


# Roles a person may claim for themselves on their profile. Editors and
# moderators are appointed by an administrator.
SELF_DECLARED_ROLES = (
    Role.PRACTITIONER,
    Role.TEAM_MANAGER,
    Role.PRINCIPAL_SOCIAL_WORKER,
    Role.RESEARCHER,
)
APPOINTED_ROLES = (Role.EDITOR, Role.MODERATOR)


def group_name(role: Role) -> str:
    """The name of the Django group that stands for `role`."""
    return str(role.label)


def roles_ensure_groups():
    """Create one group per role, if missing; returns them keyed by role."""
    from django.contrib.auth.models import Group

    return {
        role: Group.objects.get_or_create(name=group_name(role))[0] for role in Role
    }
