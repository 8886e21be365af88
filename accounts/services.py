from django.db import transaction

from .models import User
from .roles import SELF_DECLARED_ROLES, Role, roles_ensure_groups


@transaction.atomic
def user_set_self_declared_roles(*, user: User, roles: list[Role]) -> None:
    """Set the roles a person claims for themselves; appointed roles are left as they are."""
    refused = [role for role in roles if role not in SELF_DECLARED_ROLES]
    if refused:
        raise PermissionError(
            "Editors and moderators are appointed by an administrator."
        )
    groups = roles_ensure_groups()
    user.groups.remove(
        *(groups[role] for role in SELF_DECLARED_ROLES if role not in roles)
    )
    user.groups.add(*(groups[role] for role in roles))


@transaction.atomic
def user_update_profile(*, user: User, data: dict, roles: list[Role]) -> User:
    """Save a person's own profile fields and self-declared roles."""
    for field in ("display_name", "organisation_type", "region", "bio"):
        setattr(user, field, data[field])
    user.full_clean(exclude=["password", "username", "email"])
    user.save(update_fields=["display_name", "organisation_type", "region", "bio"])
    user_set_self_declared_roles(user=user, roles=roles)
    return user
