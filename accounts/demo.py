"""Fictional demo users, one or more for every role (loaded by `manage.py seed_demo`)."""

import json

from allauth.account.models import EmailAddress

from django.conf import settings
from django.db import transaction

from .models import User
from .roles import Role, roles_ensure_groups

DEMO_PASSWORD = "demo-password"
DEMO_FILE = settings.BASE_DIR / "site" / "demo" / "users.json"


@transaction.atomic
def users_seed() -> list[User]:
    """Create the demo users that do not exist yet; existing accounts are left untouched."""
    groups = roles_ensure_groups()
    created = []
    for entry in json.loads(DEMO_FILE.read_text())["users"]:
        if User.objects.filter(username=entry["username"]).exists():
            continue
        user = User(
            username=entry["username"],
            email=f"{entry['username']}@example.invalid",
            display_name=entry["display_name"],
            organisation_type=entry["organisation_type"],
            region=entry["region"],
            is_verified_practitioner=entry["verified"],
            is_superuser=entry.get("superuser", False),
            is_staff=entry.get("superuser", False),
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([groups[Role(value)] for value in entry["roles"]])
        EmailAddress.objects.create(
            user=user, email=user.email, verified=True, primary=True
        )
        created.append(user)
    return created


def demo_usernames() -> list[tuple[str, str]]:
    """(username, what the account shows) for the README and the command's summary."""
    return [
        (entry["username"], entry["display_name"])
        for entry in json.loads(DEMO_FILE.read_text())["users"]
    ]
