"""The audit log only grows: the model and the database both refuse changes and
deletions. Administrators read it, a page at a time."""

import pytest

from django.db import DatabaseError, connection, transaction

from moderation import services
from moderation.audit import audit_record
from moderation.models import AppendOnly, AuditAction
from tests.moderation.helpers import moderation_entries, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(moderator, experiment):
    """One audit entry: a moderator closed a discussion."""
    services.discussion_lock(experiment=experiment, by=moderator, reason="Heated.")
    return moderation_entries().get()


def test_an_entry_cannot_be_changed_through_the_model(entry):
    entry.reason = "Something else."
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        moderation_entries().filter(pk=entry.pk).update(reason="Something else.")
    assert moderation_entries().get().reason == "Heated."


def test_an_entry_cannot_be_deleted_through_the_model(entry):
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        moderation_entries().all().delete()
    assert moderation_entries().count() == 1


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE moderation_auditentry SET reason = 'changed'",
        "UPDATE moderation_auditentry SET actor_id = NULL",
        "DELETE FROM moderation_auditentry",
    ],
)
def test_the_database_refuses_raw_updates_and_deletes(entry, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert list(moderation_entries().values_list("reason", "actor_id")) == [
        ("Heated.", entry.actor_id)
    ]


def test_new_entries_can_still_be_added(entry, moderator, experiment):
    audit_record(
        actor=moderator, action=AuditAction.UNLOCKED, target=experiment, reason="Calm."
    )
    assert moderation_entries().count() == 2


def test_the_audit_page_is_for_administrators_only(
    client, sign_in, entry, moderator, practitioner, admin
):
    assert client.get("/moderation/audit/").status_code == 302
    assert sign_in(practitioner).get("/moderation/audit/").status_code == 404
    assert sign_in(moderator).get("/moderation/audit/").status_code == 404
    html = page_text(sign_in(admin).get("/moderation/audit/"))
    assert "Discussion closed" in html and "Heated." in html
    assert moderator.public_name in html
    # Read-only: no form on it.
    assert "<form" not in html.split("<main", 1)[1].split("</main>", 1)[0]


def test_the_audit_page_is_paginated(sign_in, admin, moderator, experiment):
    for number in range(51):
        audit_record(
            actor=moderator,
            action=AuditAction.HIDDEN,
            target=experiment,
            reason=f"Reason {number}",
        )
    client = sign_in(admin)
    first = page_text(client.get("/moderation/audit/"))
    assert "Reason 50" in first and "Reason 0<" not in first
    assert "Page 1 of 2" in first
    assert "Reason 0<" in page_text(client.get("/moderation/audit/", {"page": 2}))
