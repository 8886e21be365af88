"""People download everything held about them, and can delete their account.

Deleting keeps what they published (shown as "Former member") and removes the rest.
"""

import json
import re

import pytest
from allauth.account.models import EmailAddress

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.export import personal_data_export
from accounts.models import User
from accounts.services import AccountDeletionRefused, account_delete
from critique import services as critique_services
from critique.choices import RequestState
from critique.models import Critique, CritiqueRequest, HelpfulMark
from forum import services as forum_services
from forum.models import DiscussionMute, Experiment, Reply
from moderation.models import Reason
from moderation.services import report_create
from notifications.models import EmailOptOut, Kind, Notification
from tests.accounts.factories import PASSWORD, UserFactory
from tests.critique.factories import draft_critique, submitted_critique
from tests.forum.factories import ExperimentFactory, concluded, registered

pytestmark = pytest.mark.django_db

DATA_URL = "/people/me/data/"
DELETE_URL = "/people/me/delete/"


def add_reply(experiment, text, *, user, ip_address="192.0.2.10"):
    """A new reply as the comments form saves it, with the copied personal fields."""
    reply = Reply(
        content_object=experiment,
        site_id=settings.SITE_ID,
        user=user,
        user_name=user.public_name,
        user_email=user.email,
        ip_address=ip_address,
        comment=text,
    )
    reply.save()
    return reply


@pytest.fixture(autouse=True)
def published_at_once(settings):
    """New members' first posts publish at once here: these tests are about deletion."""
    settings.MODERATION_PREMODERATE_FIRST_POSTS = 0


@pytest.fixture
def person(db):
    """The person whose data and account these tests are about."""
    return UserFactory(
        username="jo",
        display_name="Jo Practitioner",
        bio="Ten years in **early help**.",
        region="wales",
        organisation_type="local_authority",
        roles=["practitioner"],
    )


@pytest.fixture
def colleague(db):
    """Someone else on the site, with private things of their own."""
    return UserFactory(
        username="kim", display_name="Kim Colleague", roles=["practitioner"]
    )


@pytest.fixture
def signed_in(client, person):
    """A client signed in as `person`."""
    client.login(username=person.username, password=PASSWORD)
    return client


@pytest.fixture
def footprint(person, colleague):
    """Something of every kind the site keeps about `person`, and private things of others."""
    draft = ExperimentFactory(author=person, title="Jo's private draft")
    published = registered(author=person, title="Jo's registered experiment")
    forum_services.experiment_amend(
        experiment=published,
        by=person,
        field="duration",
        new_text="10 weeks",
        reason="Two weeks of leave fell in the period.",
    )
    finished = concluded(author=person, title="Jo's concluded experiment")
    theirs = registered(author=colleague, title="Kim's registered experiment")
    colleague_draft = ExperimentFactory(author=colleague, title="Kim's secret draft")

    # Kim critiques Jo's experiment; Jo answers every point.
    received = submitted_critique(published, colleague)
    critique_services.critique_respond(
        critique=received,
        by=person,
        answers={
            point.pk: ("addressed", "Jo's answer: the diary shows it.")
            for point in received.points.all()
        },
    )
    # Jo critiques Kim's experiments: one submitted, one still a draft.
    written = submitted_critique(theirs, person, strengths="Jo's submitted strengths")
    jo_draft_critique = draft_critique(
        concluded(author=colleague, title="Kim's other experiment"),
        person,
        strengths="Jo's draft strengths",
    )
    critique_services.helpful_mark(critique=received, by=person)
    critique_services.critique_request(
        experiment=finished, by=person, reviewers=[colleague], message="Jo asks Kim"
    )
    asked_of_jo = registered(author=colleague, title="Kim asks Jo")
    critique_services.critique_request(
        experiment=asked_of_jo, by=colleague, reviewers=[person], message="Please?"
    )
    reply = add_reply(theirs, "Jo's reply to Kim", user=person)
    add_reply(published, "Kim's reply to Jo", user=colleague)
    EmailOptOut.objects.create(user=person, kind=Kind.CRITIQUE_REQUESTED)
    DiscussionMute.objects.create(user=person, experiment=theirs)
    report_create(
        target=theirs,
        reason=Reason.UNPROFESSIONAL,
        reporter=person,
        details="Jo's report details",
    )
    return {
        "draft": draft,
        "published": published,
        "finished": finished,
        "theirs": theirs,
        "colleague_draft": colleague_draft,
        "received": received,
        "written": written,
        "draft_critique": jo_draft_critique,
        "reply": reply,
    }


def download(client) -> dict:
    response = client.post(DATA_URL)
    assert response.status_code == 200
    return json.loads(response.content)


def delete_account(client, password=PASSWORD, confirm=True):
    data = {"password": password}
    if confirm:
        data["confirm"] = "on"
    return client.post(DELETE_URL, data)


# Both pages


@pytest.mark.parametrize("url", [DATA_URL, DELETE_URL])
@pytest.mark.parametrize("method", ["get", "post"])
def test_both_pages_need_a_login(client, url, method):
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_profile_edit_page_links_to_both(signed_in):
    html = signed_in.get("/people/me/edit/").content.decode()
    assert f'href="{DATA_URL}"' in html
    assert f'href="{DELETE_URL}"' in html


# Download


def test_data_page_explains_the_file_and_downloads_nothing_on_get(signed_in):
    response = signed_in.get(DATA_URL)
    assert response.status_code == 200
    assert "Content-Disposition" not in response
    html = response.content.decode()
    assert "including drafts" in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_download_is_a_json_attachment_named_after_the_person(signed_in):
    response = signed_in.post(DATA_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert re.fullmatch(
        r'attachment; filename="iuseevidence-data-jo-\d{4}-\d{2}-\d{2}\.json"',
        response["Content-Disposition"],
    )
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["profile"]["username"] == "jo"
    assert "password" not in data["profile"]


def test_download_needs_the_csrf_token(person):
    client = Client(enforce_csrf_checks=True)
    client.login(username=person.username, password=PASSWORD)
    assert client.post(DATA_URL).status_code == 403


def test_download_holds_everything_about_the_person(signed_in, person, footprint):
    data = download(signed_in)

    profile = data["profile"]
    assert profile["display_name"] == "Jo Practitioner"
    assert profile["bio"] == "Ten years in **early help**."
    assert profile["region"] == "wales"
    assert profile["organisation_type"] == "local_authority"
    assert data["roles"] == ["Practitioner"]
    assert data["email_addresses"] == [
        {"email": "jo@example.invalid", "verified": True, "primary": True}
    ]

    experiments = {row["title"]: row for row in data["experiments"]}
    assert set(experiments) == {
        "Jo's private draft",
        "Jo's registered experiment",
        "Jo's concluded experiment",
    }
    assert experiments["Jo's private draft"]["state"] == "draft"
    assert experiments["Jo's private draft"]["what_i_will_try"]
    registered_row = experiments["Jo's registered experiment"]
    assert registered_row["registered_plan"]["duration"] == "8 weeks"
    assert registered_row["plan_sha256"]
    assert registered_row["topics"] == ["Reunification"]
    assert [a["new_text"] for a in registered_row["amendments"]] == ["10 weeks"]
    assert experiments["Jo's concluded experiment"]["what_happened"] == (
        "Cancellations stayed about the same."
    )

    assert [row["comment"] for row in data["replies"]] == ["Jo's reply to Kim"]
    assert data["replies"][0]["experiment_title"] == "Kim's registered experiment"
    assert data["replies"][0]["user_email"] == "jo@example.invalid"
    assert data["replies"][0]["ip_address"] == "192.0.2.10"

    critiques = {row["strengths"]: row for row in data["critiques_written"]}
    assert set(critiques) == {"Jo's submitted strengths", "Jo's draft strengths"}
    assert critiques["Jo's draft strengths"]["state"] == "draft"
    submitted = critiques["Jo's submitted strengths"]
    assert submitted["scores"] and all(s["score"] == 3 for s in submitted["scores"])
    assert {p["kind"] for p in submitted["points"]} == {"concern", "question"}

    answers = data["answers_to_critiques"]
    assert answers and {a["reply"] for a in answers} == {
        "Jo's answer: the diary shows it."
    }
    assert {a["reviewer"] for a in answers} == {"Kim Colleague"}

    assert [m["critique_id"] for m in data["helpful_marks"]] == [
        footprint["received"].pk
    ]
    assert [r["message"] for r in data["critique_requests_made"]] == ["Jo asks Kim"]
    assert data["critique_requests_made"][0]["reviewer"] == "Kim Colleague"
    assert [r["message"] for r in data["critique_requests_received"]] == ["Please?"]
    assert {n["kind"] for n in data["notifications"]} == {
        Kind.CRITIQUE_RECEIVED,
        Kind.CRITIQUE_REQUESTED,
    }
    assert [o["kind"] for o in data["email_opt_outs"]] == [Kind.CRITIQUE_REQUESTED]
    assert [m["experiment_title"] for m in data["discussion_mutes"]] == [
        "Kim's registered experiment"
    ]
    assert [r["details"] for r in data["reports_made"]] == ["Jo's report details"]
    assert data["reports_made"][0]["target_type"] == "forum.experiment"


def test_download_leaves_out_other_peoples_private_data(
    signed_in, colleague, footprint
):
    draft_critique(
        footprint["published"], UserFactory(username="lee"), strengths="Lee's draft"
    )
    text = signed_in.post(DATA_URL).content.decode()
    assert colleague.email not in text
    assert "lee@example.invalid" not in text
    assert "Kim's secret draft" not in text
    assert "Lee's draft" not in text
    # Replies by others under Jo's experiment are theirs, not Jo's.
    assert "Kim's reply to Jo" not in text
    assert "Kim Colleague" in text  # others appear by their public name only


def test_download_leaves_out_titles_a_moderator_has_hidden(signed_in, footprint):
    Experiment.objects.filter(pk=footprint["theirs"].pk).update(
        hidden_at=timezone.now(), hidden_reason="Names a school."
    )
    data = download(signed_in)
    assert "Kim's registered experiment" not in json.dumps(data)
    assert [r["comment"] for r in data["replies"]] == ["Jo's reply to Kim"]


def _export_queries(user) -> int:
    with CaptureQueriesContext(connection) as queries:
        personal_data_export(user=user)
    return len(queries.captured_queries)


def _busy_person(username: str, experiments: int) -> User:
    """A person with `experiments` of everything: experiments, replies, critiques, marks."""
    user = UserFactory(username=username, roles=["practitioner"])
    for number in range(experiments):
        ExperimentFactory(author=user, title=f"{username} draft {number}")
        mine = registered(author=user, title=f"{username} experiment {number}")
        forum_services.experiment_amend(
            experiment=mine,
            by=user,
            field="duration",
            new_text=f"{number + 9} weeks",
            reason="Leave.",
        )
        add_reply(mine, f"{username} reply {number}", user=user)
        other = registered(title=f"{username} other {number}")
        critique = submitted_critique(mine)
        critique_services.critique_respond(
            critique=critique,
            by=user,
            answers={p.pk: ("disagree", "No.") for p in critique.points.all()},
        )
        critique_services.helpful_mark(critique=critique, by=UserFactory())
        written = submitted_critique(other, user)
        critique_services.helpful_mark(critique=written, by=other.author)
        add_reply(other, f"{username} reply elsewhere {number}", user=user)
        DiscussionMute.objects.create(user=user, experiment=other)
        report_create(target=other, reason=Reason.UNPROFESSIONAL, reporter=user)
    return user


def test_download_takes_the_same_number_of_queries_however_much_there_is():
    one = _busy_person("one", 1)
    ten = _busy_person("ten", 10)
    assert len(personal_data_export(user=ten)["experiments"]) == 20
    assert _export_queries(one) == _export_queries(ten)


# Deletion


def test_delete_page_says_what_happens(signed_in):
    html = signed_in.get(DELETE_URL).content.decode()
    assert "Former member" in html
    assert "Report" in html and "moderators" in html
    assert 'for="id_password"' in html
    assert 'for="id_confirm"' in html


def test_deleting_anonymises_the_person_and_signs_them_out(signed_in, person):
    old_pk = person.pk
    response = delete_account(signed_in)
    assert response.status_code == 200
    assert "Your account has been deleted" in response.content.decode()

    person = User.objects.get(pk=old_pk)
    assert person.username == f"former-member-{old_pk}"
    assert person.display_name == "Former member"
    assert person.public_name == "Former member"
    assert (person.email, person.bio, person.region, person.organisation_type) == (
        "",
        "",
        "",
        "",
    )
    assert not person.is_active
    assert not person.has_usable_password()
    assert not person.groups.exists()
    assert not EmailAddress.objects.filter(user_id=old_pk).exists()

    after = signed_in.get("/people/me/edit/")
    assert after.status_code == 302
    assert after["Location"].startswith("/accounts/login/")


def test_deleted_person_cannot_sign_in_or_be_found(client, person):
    old_username, old_email = person.username, person.email
    client.login(username=old_username, password=PASSWORD)
    delete_account(client)

    assert Client().get(f"/people/{old_username}/").status_code == 404
    assert Client().get(f"/people/former-member-{person.pk}/").status_code == 404
    assert not Client().login(username=old_username, password=PASSWORD)
    response = Client().post(
        "/accounts/login/", {"login": old_email, "password": PASSWORD}
    )
    assert response.status_code == 200  # the form again, with an error
    assert "_auth_user_id" not in Client().session


def test_deleting_ends_sessions_on_other_devices(person):
    laptop, phone = Client(), Client()
    laptop.login(username=person.username, password=PASSWORD)
    phone.login(username=person.username, password=PASSWORD)
    delete_account(laptop)
    assert phone.get("/people/me/edit/").status_code == 302
    assert not any(
        session.get_decoded().get("_auth_user_id") == str(person.pk)
        for session in Session.objects.all()
    )


def test_deleting_removes_private_things_and_keeps_published_work(
    signed_in, person, colleague, footprint
):
    received = footprint["received"]
    assert Critique.objects.get(pk=received.pk).helpful_count == 1
    delete_account(signed_in)

    assert not Experiment.objects.filter(pk=footprint["draft"].pk).exists()
    assert not Critique.objects.filter(pk=footprint["draft_critique"].pk).exists()
    assert not Notification.objects.filter(recipient=person).exists()
    assert not EmailOptOut.objects.filter(user=person).exists()
    assert not DiscussionMute.objects.filter(user=person).exists()
    assert not HelpfulMark.objects.filter(user=person).exists()
    assert Critique.objects.get(pk=received.pk).helpful_count == 0
    asked = CritiqueRequest.objects.get(reviewer=person)
    assert asked.state == RequestState.DECLINED

    # Published work stays, pointing at the anonymised account.
    published = Experiment.objects.get(pk=footprint["published"].pk)
    assert published.author_id == person.pk
    assert Experiment.objects.filter(pk=footprint["finished"].pk).exists()
    written = Critique.objects.get(pk=footprint["written"].pk)
    assert written.reviewer_id == person.pk and written.state == "submitted"

    reader = Client()
    own_page = reader.get(published.get_absolute_url()).content.decode()
    assert "Former member" in own_page
    assert "Jo Practitioner" not in own_page
    # No link to a profile that no longer exists.
    person.refresh_from_db()
    assert f'href="{person.get_absolute_url()}"' not in own_page
    critique_page = reader.get(footprint["theirs"].get_absolute_url()).content.decode()
    assert "Critique by" in critique_page
    assert "Former member" in critique_page
    assert "Jo Practitioner" not in critique_page


def test_replies_keep_their_place_but_lose_the_copied_details(
    signed_in, person, colleague
):
    experiment = registered(author=colleague)
    first = add_reply(experiment, "Jo's first thought", user=person)
    second = add_reply(experiment, "Kim's thought", user=colleague)
    before = {
        reply.pk: (reply.thread_id, reply.order, reply.level)
        for reply in Reply.objects.all()
    }
    delete_account(signed_in)

    first.refresh_from_db()
    assert (first.user_name, first.user_email, first.ip_address) == (
        "Former member",
        "",
        None,
    )
    second.refresh_from_db()
    assert second.user_email == colleague.email
    assert before == {
        reply.pk: (reply.thread_id, reply.order, reply.level)
        for reply in Reply.objects.all()
    }
    page = Client().get(experiment.get_absolute_url()).content.decode()
    assert "Jo's first thought" in page
    assert "Former member" in page
    assert "Jo Practitioner" not in page
    assert "jo@example.invalid" not in page
    person.refresh_from_db()
    assert f'href="{person.get_absolute_url()}"' not in page


@pytest.mark.parametrize(
    "password, confirm, error",
    [
        ("not-my-password", True, "That is not your current password"),
        (PASSWORD, False, "Tick the box to confirm"),
        ("", True, "Enter your current password"),
    ],
)
def test_a_refused_confirmation_changes_nothing(
    signed_in, person, footprint, password, confirm, error
):
    response = delete_account(signed_in, password=password, confirm=confirm)
    assert response.status_code == 200
    html = response.content.decode()
    assert error in html
    assert "Your account has not been deleted" in html

    person.refresh_from_db()
    assert person.username == "jo" and person.is_active
    assert person.display_name == "Jo Practitioner"
    assert person.check_password(PASSWORD)
    assert EmailAddress.objects.filter(user=person).exists()
    assert Experiment.objects.filter(pk=footprint["draft"].pk).exists()
    assert Notification.objects.filter(recipient=person).exists()
    assert Reply.objects.get(pk=footprint["reply"].pk).user_email == person.email
    assert signed_in.get("/people/me/edit/").status_code == 200


def test_an_administrator_is_refused(client):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.login(username="root", password=PASSWORD)
    page = client.get(DELETE_URL).content.decode()
    assert "account cannot be deleted here" in page
    assert 'name="password"' not in page

    response = delete_account(client)
    assert "account cannot be deleted here" in (response.content.decode())
    admin.refresh_from_db()
    assert admin.is_active and admin.username == "root"
    with pytest.raises(AccountDeletionRefused):
        account_delete(user=admin)


def test_a_person_who_chose_the_former_member_name_keeps_it(person):
    squatter = UserFactory(username=f"former-member-{person.pk}")
    account_delete(user=person)
    person.refresh_from_db()
    squatter.refresh_from_db()
    assert person.username.startswith(f"former-member-{person.pk}-")
    assert squatter.username == f"former-member-{person.pk}"
    assert person.public_name == "Former member"
    assert squatter.public_name != "Former member"
