"""Sign up, verify the e-mail address, log in and out, reset a password (django-allauth)."""

import re

import pytest

from django.core import mail

from accounts.models import User
from accounts.roles import Role
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def link_in(message) -> str:
    return re.search(r"http://testserver(/accounts/\S+/)", message.body).group(1)


def sign_up(client, **overrides):
    data = {
        "username": "robin",
        "email": "robin@example.invalid",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "display_name": "Robin (social worker)",
        "roles": ["practitioner", "team_manager"],
    }
    data.update(overrides)
    return client.post("/accounts/signup/", data)


def test_sign_up_then_verify_email_then_logged_in(client):
    response = sign_up(client)
    assert response.status_code == 302
    user = User.objects.get(username="robin")
    assert user.display_name == "Robin (social worker)"
    assert user.roles == [Role.PRACTITIONER, Role.TEAM_MANAGER]
    # Not logged in until the address is confirmed.
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["robin@example.invalid"]

    confirm_url = link_in(mail.outbox[0])
    assert client.get(confirm_url).status_code == 200
    response = client.post(confirm_url)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.emailaddress_set.get().verified


def test_unverified_account_cannot_log_in(client):
    sign_up(client)
    response = client.post("/accounts/login/", {"login": "robin", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"


def test_sign_up_cannot_claim_editor_or_moderator(client):
    response = sign_up(client, roles=["editor"])
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not User.objects.filter(username="robin").exists()


@pytest.mark.parametrize("username", ["former-member-12", "Former-Member-x"])
def test_sign_up_cannot_take_a_name_kept_for_deleted_accounts(client, username):
    response = sign_up(client, username=username)
    assert response.status_code == 200
    assert "kept for deleted accounts" in response.content.decode()
    assert not User.objects.filter(username__iexact=username).exists()


def test_sign_up_errors_keep_what_was_typed(client):
    response = sign_up(client, password2="something-else-entirely")
    html = response.content.decode()
    assert response.status_code == 200
    assert "You must type the same password each time" in html
    assert 'value="robin@example.invalid"' in html
    assert 'value="Robin (social worker)"' in html


def test_log_in_with_username_or_email_and_log_out(client):
    user = UserFactory(username="kim")
    client.post("/accounts/login/", {"login": "kim", "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(user.pk)
    assert "Sign out" in client.get("/").content.decode()
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session
    client.post(
        "/accounts/login/", {"login": "kim@example.invalid", "password": PASSWORD}
    )
    assert client.session["_auth_user_id"] == str(user.pk)


def test_wrong_password_says_so(client):
    UserFactory(username="kim")
    response = client.post("/accounts/login/", {"login": "kim", "password": "nope"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_password_reset_by_email(client):
    UserFactory(username="kim")
    client.post("/accounts/password/reset/", {"email": "kim@example.invalid"})
    assert len(mail.outbox) == 1
    reset_url = link_in(mail.outbox[0])
    form_url = client.get(reset_url)["Location"]
    new_password = "another-long-password-2"
    response = client.post(
        form_url, {"password1": new_password, "password2": new_password}
    )
    assert response.status_code == 302
    assert client.login(username="kim", password=new_password)
