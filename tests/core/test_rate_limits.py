"""Posting too often is paused with a page that says what to do; nothing saved is lost."""

import pytest

from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from critique.models import CritiqueRequest
from tests.accounts.factories import PASSWORD, UserFactory
from tests.forum.factories import registered

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits_on():
    cache.clear()
    with override_settings(RATELIMIT_ENABLE=True):
        yield
    cache.clear()


def test_asking_for_critiques_too_often_is_paused(client, limits_on):
    experiment = registered()
    colleagues = [UserFactory(roles=["practitioner"]) for _ in range(21)]
    client.login(username=experiment.author.username, password=PASSWORD)
    url = reverse("critique:request", args=[experiment.pk])
    for colleague in colleagues[:20]:
        response = client.post(url, {"usernames": colleague.username})
        assert response.status_code == 302
    response = client.post(url, {"usernames": colleagues[20].username})
    assert response.status_code == 429
    assert "Please wait a few minutes" in response.content.decode()
    assert CritiqueRequest.objects.count() == 20
    # Reading is never limited.
    assert client.get(experiment.get_absolute_url()).status_code == 200


def test_repeated_failed_sign_ins_are_paused(client):
    person = UserFactory(username="lee")
    cache.clear()
    with override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "3/m/ip,3/5m/key"}):
        for _ in range(3):
            client.post(
                reverse("account_login"), {"login": "lee", "password": "wrong-password"}
            )
        response = client.post(
            reverse("account_login"), {"login": "lee", "password": PASSWORD}
        )
    cache.clear()
    # allauth keeps the person on the form and says why, even with the right password.
    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in (
        response.content.decode()
    )
    person.refresh_from_db()
    assert person.last_login is None


def test_posting_replies_too_often_is_paused(client, limits_on):
    from forum.models import Reply
    from forum.reply_forms import ReplyForm

    experiment = registered()
    reader = UserFactory(roles=["practitioner"])
    client.login(username=reader.username, password=PASSWORD)
    for n in range(61):
        data = ReplyForm(experiment).initial.copy()
        data.update(
            comment=f"Thought number {n}",
            reply_to=0,
            next=experiment.get_absolute_url(),
            identifiability_attested="on",
        )
        response = client.post("/comments/post/", data)
    assert response.status_code == 429
    assert "Please wait a few minutes" in response.content.decode()
    assert Reply.objects.count() == 60


def test_starting_drafts_too_often_is_paused(client, limits_on):
    from forum.models import Experiment

    author = UserFactory(roles=["practitioner"])
    client.login(username=author.username, password=PASSWORD)
    url = reverse("forum:experiment_create")
    for n in range(31):
        response = client.post(url, {"title": f"Draft {n}"})
    assert response.status_code == 429
    assert Experiment.objects.filter(author=author).count() == 30
    # Carrying on with a draft (autosave) is not limited.
    draft = Experiment.objects.filter(author=author).first()
    response = client.post(
        reverse("forum:experiment_edit", args=[draft.pk]), {"title": "Still mine"}
    )
    assert response.status_code == 302
