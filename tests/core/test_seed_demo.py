from io import StringIO

import pytest

from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test.utils import override_settings

from wagtail.models import PageLogEntry, Revision

from accounts.models import User
from accounts.roles import Role, group_name
from evidence.models import EvidencePage

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    return {
        "users": User.objects.count(),
        "groups": Group.objects.count(),
        "pages": EvidencePage.objects.count(),
        "revisions": Revision.objects.count(),
        "log": PageLogEntry.objects.count(),
        "passwords": sorted(User.objects.values_list("password", flat=True)),
    }


def test_seed_demo_creates_a_living_site(client):
    call_command("seed_demo", stdout=StringIO())
    pages = EvidencePage.objects.live()
    assert pages.count() >= 12
    assert all(page.title.startswith("DEMO ") for page in pages)
    assert len({topic for page in pages for topic in page.topics.all()}) >= 10
    assert all(page.outcome_ratings.exists() for page in pages)
    assert User.objects.count() >= 8
    for role in Role:
        assert User.objects.filter(groups__name=group_name(role)).exists(), role
    assert User.objects.filter(is_superuser=True).exists()
    assert client.get("/evidence/").context["page_obj"].paginator.count == pages.count()


def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo", stdout=StringIO())
    before = snapshot()
    call_command("seed_demo", stdout=StringIO())
    assert snapshot() == before


def test_demo_users_can_log_in(client):
    call_command("seed_demo", stdout=StringIO())
    assert client.login(username="practitioner", password="demo-password")


@override_settings(DEMO_CONTENT_ALLOWED=False)
def test_seed_demo_refuses_where_demo_content_is_off():
    with pytest.raises(CommandError, match="Demo content is switched off"):
        call_command("seed_demo")
    assert not User.objects.exists()
