import pytest

from accounts.models import User
from accounts.roles import Role
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_public_profile_shows_name_roles_and_verified_badge(client):
    UserFactory(
        username="alex",
        display_name="Alex (DEMO)",
        region="england_north_west",
        organisation_type="local_authority",
        is_verified_practitioner=True,
        roles=["practitioner", "researcher"],
        bio="Works in **early help**. <script>alert(1)</script>",
    )
    html = client.get("/people/alex/").content.decode()
    assert "Alex (DEMO)" in html
    assert "Practitioner, Researcher" in html
    assert "England - North West" in html
    assert "Verified professional" in html
    assert "<strong>early help</strong>" in html
    assert "<script>alert(1)</script>" not in html


def test_unknown_or_deactivated_profile_is_not_found(client):
    UserFactory(username="gone", is_active=False)
    assert client.get("/people/gone/").status_code == 404
    response = client.get("/people/nobody-here/")
    assert response.status_code == 404
    assert "We can't find that page" in response.content.decode()


def test_editing_a_profile_needs_a_login(client):
    response = client.get("/people/me/edit/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_person_edits_their_profile_and_roles(client, practitioner):
    client.login(username=practitioner.username, password=PASSWORD)
    response = client.post(
        "/people/me/edit/",
        {
            "display_name": "Sam B.",
            "organisation_type": "voluntary",
            "region": "wales",
            "bio": "",
            "roles": ["researcher"],
        },
    )
    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.display_name == "Sam B."
    assert practitioner.roles == [Role.RESEARCHER]


def test_crafted_post_cannot_grant_an_appointed_role(client, practitioner):
    client.login(username=practitioner.username, password=PASSWORD)
    response = client.post(
        "/people/me/edit/",
        {
            "display_name": "Sneaky",
            "region": "",
            "organisation_type": "",
            "bio": "",
            "roles": ["moderator"],
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    practitioner.refresh_from_db()
    assert practitioner.display_name != "Sneaky"
    assert practitioner.roles == [Role.PRACTITIONER]


def test_changing_own_roles_keeps_appointed_ones(client):
    person = UserFactory(username="mo", roles=["moderator", "practitioner"])
    client.login(username="mo", password=PASSWORD)
    client.post(
        "/people/me/edit/",
        {
            "display_name": "Mo",
            "region": "",
            "organisation_type": "",
            "bio": "",
            "roles": [],
        },
    )
    assert User.objects.get(pk=person.pk).roles == [Role.MODERATOR]


def test_invalid_region_is_refused_and_nothing_saved(client, practitioner):
    client.login(username=practitioner.username, password=PASSWORD)
    response = client.post(
        "/people/me/edit/",
        {"display_name": "Sam", "region": "Leeds", "organisation_type": "", "bio": ""},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    practitioner.refresh_from_db()
    assert practitioner.region == ""


def test_roles_are_django_groups(practitioner):
    assert list(practitioner.groups.values_list("name", flat=True)) == ["Practitioner"]
    assert practitioner.has_role(Role.PRACTITIONER)
    assert not practitioner.has_role(Role.EDITOR)


def test_admin_sets_the_verified_flag_in_wagtail(client):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    person = UserFactory(username="pat")
    client.login(username=admin.username, password=PASSWORD)
    url = f"/admin/users/edit/{person.pk}/"
    assert "is_verified_practitioner" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "username": "pat",
            "email": "pat@example.invalid",
            "first_name": "",
            "last_name": "",
            "display_name": "Pat (verified)",
            "organisation_type": "",
            "region": "",
            "is_verified_practitioner": "on",
            "is_active": "on",
            "password1": "",
            "password2": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    person.refresh_from_db()
    assert person.is_verified_practitioner
    assert person.display_name == "Pat (verified)"
