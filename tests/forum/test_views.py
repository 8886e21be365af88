"""Experiment pages: who may do what, and what bad input gets back."""

import uuid

import pytest

from django.utils.html import strip_tags

from forum import services
from forum.choices import State
from forum.models import Amendment, Experiment
from tests.accounts.factories import PASSWORD
from tests.forum.factories import RESULTS, ExperimentFactory, concluded, registered

ATTESTED = {"identifiability_attested": "on"}
RESULTS_POSTED = RESULTS | ATTESTED

pytestmark = pytest.mark.django_db


def sign_in(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def people(practitioner, other_practitioner, moderator):
    """Anonymous (None), the author, another practitioner and a moderator."""
    return {
        "anonymous": None,
        "author": practitioner,
        "other": other_practitioner,
        "moderator": moderator,
    }


# (url suffix, method, state) -> who gets through; everyone else is refused.
MATRIX = [
    ("", "get", State.DRAFT, {"author"}),
    ("", "get", State.REGISTERED, {"anonymous", "author", "other", "moderator"}),
    ("edit/", "get", State.DRAFT, {"author"}),
    ("edit/", "get", State.REGISTERED, set()),
    ("register/", "get", State.DRAFT, {"author"}),
    ("amend/", "get", State.REGISTERED, {"author"}),
    ("results/", "get", State.REGISTERED, {"author"}),
    ("results/", "get", State.DRAFT, set()),
    ("withdraw/", "get", State.REGISTERED, {"author"}),
    ("redact/", "get", State.REGISTERED, {"moderator"}),
    ("delete/", "get", State.DRAFT, {"author"}),
    (
        "plan.json",
        "get",
        State.REGISTERED,
        {"anonymous", "author", "other", "moderator"},
    ),
    ("plan.json", "get", State.DRAFT, set()),
]


@pytest.mark.parametrize("suffix, method, state, allowed", MATRIX)
@pytest.mark.parametrize("who", ["anonymous", "author", "other", "moderator"])
def test_permission_matrix(client, people, suffix, method, state, allowed, who):
    author = people["author"]
    experiment = ExperimentFactory(author=author)
    if state == State.REGISTERED:
        services.experiment_register(experiment=experiment, by=author)
    if people[who]:
        sign_in(client, people[who])
    response = client.get(f"/experiments/{experiment.pk}/{suffix}", follow=False)
    if who in allowed:
        assert response.status_code in (200, 301), (who, suffix, response.status_code)
        if response.status_code == 301:
            assert client.get(response["Location"]).status_code == 200
    else:
        assert response.status_code in (302, 404), (who, suffix, response.status_code)
        if response.status_code == 302 and who != "anonymous":
            # Refused with a message on the experiment page, never a broken page.
            assert f"/experiments/{experiment.pk}/" in response["Location"]


def test_detail_url_with_slug(client):
    experiment = registered(title="Agreeing the purpose")
    response = client.get(f"/experiments/{experiment.pk}/")
    assert response.status_code == 301
    assert response["Location"] == f"/experiments/{experiment.pk}/agreeing-the-purpose/"
    assert client.get(response["Location"]).status_code == 200


def test_unknown_experiment_is_a_friendly_404(client):
    response = client.get("/experiments/999999/")
    assert response.status_code == 404
    assert "We can't find that page" in response.content.decode()


def plan_post(**overrides):
    data = {
        "creation_token": str(uuid.uuid4()),
        "title": "Agreeing the purpose of family time",
        "aim": "Reduce cancellations.",
        "hypothesis_change": "agree the purpose",
        "hypothesis_who": "parents",
        "hypothesis_outcome": "cancellations",
        "hypothesis_direction": "decrease",
        "hypothesis_mechanism": "clarity",
        "save": "1",
    }
    data.update(overrides)
    return data


def test_practitioner_saves_a_draft_only_they_can_see(
    client, practitioner, other_practitioner
):
    sign_in(client, practitioner)
    response = client.post("/experiments/new/", plan_post())
    experiment = Experiment.objects.get()
    assert response["Location"] == f"/experiments/{experiment.pk}/edit/"
    assert experiment.state == State.DRAFT
    assert experiment.author == practitioner
    client.logout()
    sign_in(client, other_practitioner)
    assert client.get(f"/experiments/{experiment.pk}/").status_code == 404
    assert "Agreeing the purpose" not in client.get("/experiments/").content.decode()


def test_double_submitted_plan_creates_one_experiment(client, practitioner):
    sign_in(client, practitioner)
    data = plan_post()
    client.post("/experiments/new/", data)
    client.post("/experiments/new/", data)
    assert Experiment.objects.count() == 1


def test_autosave_returns_json_and_keeps_one_draft(client, practitioner):
    sign_in(client, practitioner)
    data = plan_post(autosave="1")
    first = client.post("/experiments/new/", data).json()
    second = client.post(first["edit_url"], {**data, "aim": "Typed more"}).json()
    assert first["saved"] and second["saved"]
    assert Experiment.objects.get().aim == "Typed more"


def test_missing_title_and_oversized_text_are_explained_and_kept(client, practitioner):
    sign_in(client, practitioner)
    response = client.post("/experiments/new/", plan_post(title="", aim="x" * 2001))
    html = response.content.decode()
    assert response.status_code == 200
    assert "This field is required" in html
    assert "at most 2000 characters" in html
    assert "agree the purpose" in html  # what was typed comes back
    assert not Experiment.objects.exists()


def test_html_in_plan_fields_is_shown_as_text(client, practitioner):
    experiment = registered(
        author=practitioner, aim="<script>alert('x')</script><b>bold</b>"
    )
    html = client.get(experiment.get_absolute_url()).content.decode()
    assert "<script>alert('x')</script>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_crafted_post_cannot_edit_a_registered_plan(client, practitioner):
    experiment = registered(author=practitioner)
    sign_in(client, practitioner)
    response = client.post(
        f"/experiments/{experiment.pk}/edit/", plan_post(title="Rewritten")
    )
    assert response.status_code == 302
    assert Experiment.objects.get().title == experiment.title
    messages = [
        str(m)
        for m in client.get(response["Location"], follow=True).context["messages"]
    ]
    assert any("amendment" in message for message in messages)


def test_crafted_post_cannot_post_results_before_registration(client, practitioner):
    experiment = ExperimentFactory(author=practitioner)
    sign_in(client, practitioner)
    response = client.post(
        f"/experiments/{experiment.pk}/results/", RESULTS_POSTED, follow=True
    )
    assert "Register the plan before posting results" in response.content.decode()
    assert Experiment.objects.get().state == State.DRAFT


def test_crafted_post_cannot_touch_another_persons_draft(
    client, practitioner, other_practitioner
):
    experiment = ExperimentFactory(author=practitioner)
    sign_in(client, other_practitioner)
    for suffix, data in [
        ("edit/", plan_post(title="Mine now")),
        ("register/", ATTESTED),
        ("delete/", {}),
        ("results/", RESULTS_POSTED),
    ]:
        response = client.post(f"/experiments/{experiment.pk}/{suffix}", data)
        assert response.status_code == 404, suffix
    experiment.refresh_from_db()
    assert experiment.title != "Mine now"
    assert experiment.state == State.DRAFT


def test_register_through_the_page(client, practitioner):
    experiment = ExperimentFactory(author=practitioner)
    sign_in(client, practitioner)
    assert (
        "Register plan"
        in client.get(f"/experiments/{experiment.pk}/register/").content.decode()
    )
    response = client.post(
        f"/experiments/{experiment.pk}/register/", ATTESTED, follow=True
    )
    experiment.refresh_from_db()
    assert experiment.state == State.REGISTERED
    html = response.content.decode()
    assert "Plan registered" in html
    assert experiment.plan_sha256 in html


def test_register_page_lists_what_is_missing(client, practitioner):
    experiment = ExperimentFactory(
        author=practitioner, measure="", planned_end_date=None
    )
    sign_in(client, practitioner)
    html = client.get(f"/experiments/{experiment.pk}/register/").content.decode()
    assert "outcome measure" in html
    assert "planned end date" in html
    client.post(f"/experiments/{experiment.pk}/register/", ATTESTED)
    assert Experiment.objects.get().state == State.DRAFT


def test_amendment_shows_a_diff_against_the_registered_text(client, practitioner):
    experiment = registered(author=practitioner)
    sign_in(client, practitioner)
    client.post(
        f"/experiments/{experiment.pk}/amend/",
        {"field": "duration", "new_text": "10 weeks", "reason": "Leave"} | ATTESTED,
    )
    assert Amendment.objects.count() == 1
    html = client.get(experiment.get_absolute_url()).content.decode()
    assert "<del>8</del>" in html and "<ins>10</ins>" in html
    assert "Reason: Leave" in html


def test_results_are_shown_beside_the_plan_with_deviations_marked(client, practitioner):
    experiment = concluded(author=practitioner)
    html = client.get(experiment.get_absolute_url()).content.decode()
    assert "plan-and-results" in html
    assert "plan-field--deviation" in html
    assert "No change" in html
    assert "Adapt" in html
    assert "day" in html and "before results" in html


def test_withdrawn_experiment_leaves_a_stub(client, practitioner):
    experiment = registered(author=practitioner, baseline="Secret baseline")
    services.experiment_withdraw(
        experiment=experiment, by=practitioner, reason="Left the team"
    )
    html = client.get(experiment.get_absolute_url()).content.decode()
    assert experiment.title in html
    assert "Left the team" in html
    assert "Secret baseline" not in html


def test_retrospective_plans_are_labelled(client):
    experiment = registered(data_collection_started=True)
    assert "Retrospective" in client.get(experiment.get_absolute_url()).content.decode()


def test_replicate_starts_a_linked_draft(client, other_practitioner):
    original = concluded()
    sign_in(client, other_practitioner)
    response = client.post(f"/experiments/{original.pk}/replicate/")
    copy = Experiment.objects.get(replication_of=original)
    assert response["Location"] == f"/experiments/{copy.pk}/edit/"
    assert copy.author == other_practitioner


def test_outcomes_of_replications_are_aggregated(client, evidence_index):
    from tests.evidence.factories import EvidencePageFactory

    page = EvidencePageFactory(parent=evidence_index)
    original = concluded(evidence_page=page)
    for decision in ("adopt", "adopt", "abandon"):
        copy = registered(evidence_page=page, replication_of=original)
        services.experiment_post_results(
            experiment=copy, by=copy.author, data={**RESULTS, "decision": decision}
        )
    registered(evidence_page=page, replication_of=original)
    text = "Tried in practice 5 times: 2 adopt, 1 adapt, 1 abandon, 1 still running."
    for url in (original.get_absolute_url(), page.url):
        assert text in " ".join(strip_tags(client.get(url).content.decode()).split())
