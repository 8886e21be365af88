"""Critiques in site search: submitted ones are found; drafts, withdrawn critiques and
critiques of withdrawn experiments are not."""

import pytest

from critique import services as critique_services
from forum import services as forum_services
from tests.critique.factories import draft_critique, submitted_critique
from tests.forum.factories import registered

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def critique_hits(client, q: str) -> list[str]:
    response = client.get("/search/", {"q": q, "kind": "critique"})
    assert response.status_code == 200
    outcome = response.context["outcome"]
    if outcome.kind != "critique":
        return []
    return [hit.url for hit in outcome.hits]


def test_submitted_critique_is_found_and_drafts_are_not(
    client, search_index, committed
):
    experiment = registered(title="Family time purpose")
    with committed():
        shown = submitted_critique(
            experiment, strengths="A thoughtful zebrafinch baseline."
        )
        draft_critique(experiment, strengths="A zebrafinch draft nobody may see.")
    response = client.get("/search/", {"q": "zebrafinch"})
    assert response.context["outcome"].counts["critique"] == 1
    assert critique_hits(client, "zebrafinch") == [shown.get_absolute_url()]
    assert "Critique of “Family time purpose”" in response.content.decode()


def test_withdrawn_critique_leaves_search(client, search_index, committed):
    experiment = registered()
    with committed():
        critique = submitted_critique(experiment, strengths="Quokka-level clarity.")
    assert critique_hits(client, "quokka")
    with committed():
        critique_services.critique_withdraw(
            critique=critique, by=critique.reviewer, reason="Misread the plan."
        )
    assert critique_hits(client, "quokka") == []


def test_withdrawing_the_experiment_hides_its_critiques(
    client, search_index, committed
):
    experiment = registered()
    with committed():
        submitted_critique(experiment, strengths="An axolotl of a measure.")
    assert critique_hits(client, "axolotl")
    with committed():
        forum_services.experiment_withdraw(
            experiment=experiment, by=experiment.author, reason="Team changed."
        )
    assert critique_hits(client, "axolotl") == []
