"""The registered plan's canonical form and SHA-256 are stable and recomputable."""

import hashlib
import json

import pytest

from forum.plan import canonical_bytes, normalise_text, plan_as_dict, plan_hash
from tests.forum.factories import ExperimentFactory, registered

pytestmark = pytest.mark.django_db


def test_same_plan_same_hash():
    experiment = ExperimentFactory()
    moment = experiment.created_at
    assert plan_hash(plan_as_dict(experiment, registered_at=moment)) == plan_hash(
        plan_as_dict(experiment, registered_at=moment)
    )


@pytest.mark.parametrize(
    "field, value",
    [
        ("aim", "A different aim."),
        ("hypothesis_direction", "increase"),
        ("manager_aware", False),
        ("families", "1"),
    ],
)
def test_any_change_gives_a_new_hash(field, value):
    experiment = ExperimentFactory()
    moment = experiment.created_at
    before = plan_hash(plan_as_dict(experiment, registered_at=moment))
    setattr(experiment, field, value)
    assert plan_hash(plan_as_dict(experiment, registered_at=moment)) != before


def test_white_space_and_line_endings_do_not_change_the_hash():
    experiment = ExperimentFactory(aim="Line one\r\nline two  ")
    moment = experiment.created_at
    first = plan_hash(plan_as_dict(experiment, registered_at=moment))
    experiment.aim = "Line one\nline two"
    assert plan_hash(plan_as_dict(experiment, registered_at=moment)) == first


def test_text_is_normalised_to_nfc():
    assert normalise_text("cafe\u0301") == "caf\u00e9"


def test_canonical_json_is_sorted_and_compact():
    assert canonical_bytes({"b": 1, "a": "é"}) == '{"a":"é","b":1}'.encode()


def test_anyone_can_recompute_the_hash_from_plan_json(client):
    experiment = registered(aim="Reduce “cancellations” — by half?")
    body = client.get(f"/experiments/{experiment.pk}/plan.json").json()
    recomputed = hashlib.sha256(
        json.dumps(
            body["plan"], sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()
    ).hexdigest()
    assert recomputed == body["sha256"] == experiment.plan_sha256
    assert body["plan"]["aim"] == "Reduce “cancellations” — by half?"
    assert body["plan"]["registered_at"].endswith("Z")


def test_plan_json_of_a_draft_is_not_served(client):
    experiment = ExperimentFactory()
    assert client.get(f"/experiments/{experiment.pk}/plan.json").status_code == 404
