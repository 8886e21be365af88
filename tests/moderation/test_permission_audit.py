"""Who may do what is audited: roles given and taken away, administrator rights, and
the permissions a role carries; the entry names the person who made the change."""

import pytest

from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.roles import Role, group_name
from moderation.models import PERMISSION_ACTIONS, AuditAction, AuditEntry
from tests.accounts.factories import UserFactory
from tests.moderation.helpers import page_text

pytestmark = pytest.mark.django_db


def permission_entries():
    return AuditEntry.objects.filter(action__in=PERMISSION_ACTIONS).order_by("pk")


def form_data(form) -> dict:
    """What the browser would send back for an unchanged form."""
    data = {}
    for field in form:
        value = field.value()
        if value is None or value is False:
            continue
        if isinstance(value, (list, tuple)):
            data[field.html_name] = [str(item) for item in value]
        else:
            data[field.html_name] = value
    return data


def test_an_administrator_appointing_a_moderator_in_the_admin_is_logged(
    client, sign_in, admin, practitioner
):
    moderators = Group.objects.get(name=group_name(Role.MODERATOR))
    before = permission_entries().count()
    browser = sign_in(admin)
    url = reverse("wagtailusers_users:edit", args=[practitioner.pk])
    form = browser.get(url).context["form"]
    data = form_data(form)
    data["groups"] = [*data.get("groups", []), str(moderators.pk)]
    response = browser.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert practitioner.groups.filter(pk=moderators.pk).exists()
    entry = permission_entries()[before:].get()
    assert entry.action == AuditAction.ROLE_GRANTED
    assert entry.actor == admin
    assert entry.target == practitioner
    assert entry.reason == "Moderator"
    html = page_text(browser.get("/moderation/audit/"))
    assert "Role given" in html and "Moderator" in html


def test_taking_a_role_away_from_either_side_is_logged():
    person = UserFactory(roles=["editor"])
    editors = Group.objects.get(name=group_name(Role.EDITOR))
    editors.user_set.remove(person)
    entry = permission_entries().last()
    assert entry.action == AuditAction.ROLE_REMOVED
    assert entry.target == person and entry.actor is None
    assert entry.reason == "Editor"

    person.groups.add(editors)
    person.groups.clear()
    assert list(permission_entries().values_list("action", flat=True))[-2:] == [
        AuditAction.ROLE_GRANTED,
        AuditAction.ROLE_REMOVED,
    ]


def test_self_declared_roles_are_not_logged():
    person = UserFactory(roles=["practitioner", "researcher"])
    person.groups.clear()
    assert not permission_entries().filter(target_id=person.pk).exists()


def test_administrator_rights_given_and_taken_away_are_logged():
    person = UserFactory()
    person.is_superuser = True
    person.save()
    person.is_superuser = False
    person.save()
    person.first_name = "Changed"
    person.save()  # nothing about rights changed: no entry
    assert list(
        permission_entries()
        .filter(target_id=person.pk)
        .values_list("action", flat=True)
    ) == [AuditAction.ADMIN_GRANTED, AuditAction.ADMIN_REMOVED]


def test_a_roles_permissions_changing_is_logged():
    moderators = Group.objects.get(name=group_name(Role.MODERATOR))
    permission = Permission.objects.get(codename="delete_experiment")
    moderators.permissions.add(permission)
    moderators.permissions.remove(permission)
    changes = list(
        permission_entries()
        .filter(action=AuditAction.PERMISSIONS_CHANGED)
        .values_list("reason", flat=True)
    )
    assert changes[-2:] == [
        "Moderator: added forum.delete_experiment",
        "Moderator: removed forum.delete_experiment",
    ]
