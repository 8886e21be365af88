"""Every allowed and every forbidden state transition of an experiment."""

import pytest

from django.db import IntegrityError, transaction

from forum import services
from forum.choices import State
from forum.models import Amendment, Experiment, ModerationLogEntry
from tests.forum.factories import RESULTS, ExperimentFactory, concluded, registered

pytestmark = pytest.mark.django_db


def test_draft_is_registered_by_its_author():
    experiment = ExperimentFactory()
    services.experiment_register(experiment=experiment, by=experiment.author)
    experiment.refresh_from_db()
    assert experiment.state == State.REGISTERED
    assert experiment.registered_at is not None
    assert len(experiment.plan_sha256) == 64
    assert experiment.registered_plan["title"] == experiment.title
    assert not experiment.is_retrospective


def test_plan_registered_after_data_collection_started_is_retrospective():
    experiment = registered(data_collection_started=True)
    assert experiment.is_retrospective


def test_incomplete_plan_cannot_be_registered():
    experiment = ExperimentFactory(measure="", manager_aware=False)
    with pytest.raises(services.ActionRefused) as error:
        services.experiment_register(experiment=experiment, by=experiment.author)
    assert "outcome measure" in str(error.value)
    assert "my manager knows about this test" in str(error.value)
    experiment.refresh_from_db()
    assert experiment.state == State.DRAFT


def test_plan_needs_evidence_or_an_outside_reference():
    experiment = ExperimentFactory(outside_reference="", evidence_page=None)
    with pytest.raises(services.ActionRefused, match="name the evidence"):
        services.experiment_register(experiment=experiment, by=experiment.author)


def test_plan_without_a_direction_cannot_be_registered():
    experiment = ExperimentFactory(hypothesis_direction="")
    with pytest.raises(services.ActionRefused, match="will…"):
        services.experiment_register(experiment=experiment, by=experiment.author)


def test_nobody_else_can_register_a_draft(other_practitioner, moderator):
    experiment = ExperimentFactory()
    for person in (other_practitioner, moderator):
        with pytest.raises(services.ActionRefused):
            services.experiment_register(experiment=experiment, by=person)
    assert Experiment.objects.get().state == State.DRAFT


def test_registered_plan_cannot_be_registered_again():
    experiment = registered()
    first_hash = experiment.plan_sha256
    with pytest.raises(services.ActionRefused, match="already registered"):
        services.experiment_register(experiment=experiment, by=experiment.author)
    assert Experiment.objects.get().plan_sha256 == first_hash


def test_registered_plan_cannot_be_edited_in_place():
    experiment = registered()
    with pytest.raises(services.ActionRefused, match="amendment"):
        services.experiment_update_draft(
            experiment=experiment, by=experiment.author, data={"title": "Changed"}
        )
    assert Experiment.objects.get().title == experiment.title


def test_author_amends_a_registered_plan_with_a_reason():
    experiment = registered()
    amendment = services.experiment_amend(
        experiment=experiment,
        by=experiment.author,
        field="duration",
        new_text="10 weeks",
        reason="Two weeks of leave fell in the period.",
    )
    assert amendment.previous_text == "8 weeks"
    experiment.refresh_from_db()
    assert experiment.duration == "8 weeks"
    assert experiment.registered_plan["duration"] == "8 weeks"
    assert services.current_text(experiment, "duration") == "10 weeks"


@pytest.mark.parametrize(
    "field, new_text, reason, message",
    [
        ("duration", "10 weeks", "  ", "Say why"),
        ("duration", "8 weeks", "No change", "same as the current text"),
        ("hypothesis_direction", "increase", "Flip", "cannot be amended"),
        ("registered_at", "2020-01-01", "Backdate", "cannot be amended"),
    ],
)
def test_bad_amendments_are_refused(field, new_text, reason, message):
    experiment = registered()
    with pytest.raises(services.ActionRefused, match=message):
        services.experiment_amend(
            experiment=experiment,
            by=experiment.author,
            field=field,
            new_text=new_text,
            reason=reason,
        )
    assert not Amendment.objects.exists()


def test_drafts_and_concluded_experiments_cannot_be_amended(other_practitioner):
    for experiment in (ExperimentFactory(), concluded()):
        with pytest.raises(services.ActionRefused):
            services.experiment_amend(
                experiment=experiment,
                by=experiment.author,
                field="aim",
                new_text="x",
                reason="y",
            )
    with pytest.raises(services.ActionRefused):
        experiment = registered()
        services.experiment_amend(
            experiment=experiment,
            by=other_practitioner,
            field="aim",
            new_text="x",
            reason="y",
        )
    assert not Amendment.objects.exists()


def test_results_conclude_a_registered_experiment():
    experiment = concluded()
    assert experiment.state == State.CONCLUDED
    assert experiment.decision == "adapt"
    assert experiment.concluded_at >= experiment.registered_at


def test_results_before_registration_are_refused():
    experiment = ExperimentFactory()
    with pytest.raises(
        services.ActionRefused, match="Register the plan before posting results"
    ):
        services.experiment_post_results(
            experiment=experiment, by=experiment.author, data=RESULTS
        )
    experiment.refresh_from_db()
    assert experiment.state == State.DRAFT
    assert experiment.decision == ""


def test_results_only_once_and_only_by_the_author(other_practitioner):
    experiment = registered()
    with pytest.raises(services.ActionRefused):
        services.experiment_post_results(
            experiment=experiment, by=other_practitioner, data=RESULTS
        )
    services.experiment_post_results(
        experiment=experiment, by=experiment.author, data=RESULTS
    )
    with pytest.raises(services.ActionRefused):
        services.experiment_post_results(
            experiment=experiment,
            by=experiment.author,
            data={**RESULTS, "decision": "adopt"},
        )
    assert Experiment.objects.get().decision == "adapt"


def test_incomplete_results_are_refused():
    experiment = registered()
    with pytest.raises(services.ActionRefused, match="decision"):
        services.experiment_post_results(
            experiment=experiment,
            by=experiment.author,
            data={**RESULTS, "decision": ""},
        )
    assert Experiment.objects.get().state == State.REGISTERED


@pytest.mark.parametrize("make", [registered, concluded])
def test_author_withdraws_with_a_reason(make):
    experiment = make()
    services.experiment_withdraw(
        experiment=experiment, by=experiment.author, reason="Moved team."
    )
    experiment.refresh_from_db()
    assert experiment.state == State.WITHDRAWN
    assert experiment.withdrawal_reason == "Moved team."


def test_withdrawal_needs_a_reason_and_the_author(other_practitioner, moderator):
    experiment = registered()
    with pytest.raises(services.ActionRefused, match="Say why"):
        services.experiment_withdraw(
            experiment=experiment, by=experiment.author, reason=" "
        )
    for person in (other_practitioner, moderator):
        with pytest.raises(services.ActionRefused):
            services.experiment_withdraw(experiment=experiment, by=person, reason="No")
    assert Experiment.objects.get().state == State.REGISTERED


def test_drafts_cannot_be_withdrawn_and_withdrawn_is_final():
    draft = ExperimentFactory()
    with pytest.raises(services.ActionRefused):
        services.experiment_withdraw(experiment=draft, by=draft.author, reason="x")
    experiment = registered()
    services.experiment_withdraw(
        experiment=experiment, by=experiment.author, reason="x"
    )
    for action in (
        lambda: services.experiment_post_results(
            experiment=experiment, by=experiment.author, data=RESULTS
        ),
        lambda: services.experiment_withdraw(
            experiment=experiment, by=experiment.author, reason="y"
        ),
        lambda: services.experiment_register(
            experiment=experiment, by=experiment.author
        ),
        lambda: services.experiment_amend(
            experiment=experiment,
            by=experiment.author,
            field="aim",
            new_text="x",
            reason="y",
        ),
    ):
        with pytest.raises(services.ActionRefused):
            action()
    assert Experiment.objects.get(pk=experiment.pk).withdrawal_reason == "x"


def test_author_deletes_a_draft_but_not_a_registered_plan(other_practitioner):
    draft = ExperimentFactory()
    with pytest.raises(services.ActionRefused):
        services.experiment_delete_draft(experiment=draft, by=other_practitioner)
    services.experiment_delete_draft(experiment=draft, by=draft.author)
    experiment = registered()
    with pytest.raises(services.ActionRefused, match="withdraw"):
        services.experiment_delete_draft(experiment=experiment, by=experiment.author)
    assert list(Experiment.objects.all()) == [experiment]


def test_moderator_redacts_plan_text_everywhere_and_logs_it(moderator):
    experiment = registered()
    services.experiment_amend(
        experiment=experiment,
        by=experiment.author,
        field="baseline",
        new_text="Named detail",
        reason="r",
    )
    services.experiment_redact_plan(
        experiment=experiment,
        by=moderator,
        field="baseline",
        reason="Could identify a family",
    )
    experiment.refresh_from_db()
    assert experiment.baseline == services.REDACTED
    assert experiment.registered_plan["baseline"] == services.REDACTED
    amendment = experiment.amendments.get()
    assert "Named detail" not in amendment.new_text + amendment.previous_text
    entry = ModerationLogEntry.objects.get()
    assert (entry.moderator, entry.field, entry.reason) == (
        moderator,
        "baseline",
        "Could identify a family",
    )
    assert experiment.title != services.REDACTED  # other fields untouched


def test_only_moderators_redact(other_practitioner):
    experiment = registered()
    for person in (experiment.author, other_practitioner):
        with pytest.raises(services.ActionRefused):
            services.experiment_redact_plan(
                experiment=experiment, by=person, field="aim", reason="x"
            )
    assert not ModerationLogEntry.objects.exists()


def test_replication_is_a_linked_draft_for_the_new_person(other_practitioner):
    original = concluded()
    copy = services.experiment_start_replication(
        original=original, by=other_practitioner
    )
    assert copy.state == State.DRAFT
    assert copy.author == other_practitioner
    assert copy.replication_of == original
    assert copy.hypothesis_change == original.hypothesis_change
    assert not copy.anonymisation_attested  # everyone attests for themselves
    assert list(copy.topics.all()) == list(original.topics.all())


def test_drafts_cannot_be_replicated(other_practitioner):
    with pytest.raises(services.ActionRefused):
        services.experiment_start_replication(
            original=ExperimentFactory(), by=other_practitioner
        )


def test_follow_up_is_the_authors_next_cycle(other_practitioner):
    original = concluded()
    with pytest.raises(services.ActionRefused):
        services.experiment_start_follow_up(predecessor=original, by=other_practitioner)
    follow_up = services.experiment_start_follow_up(
        predecessor=original, by=original.author
    )
    assert follow_up.follow_up_of == original
    assert follow_up.state == State.DRAFT


def test_creating_twice_with_one_token_saves_once(practitioner):
    import uuid

    token = uuid.uuid4()
    first = services.experiment_create(
        author=practitioner, data={"title": "A"}, token=token
    )
    second = services.experiment_create(
        author=practitioner, data={"title": "A"}, token=token
    )
    assert first == second
    assert Experiment.objects.count() == 1


def test_database_refuses_a_public_experiment_without_registration():
    experiment = ExperimentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Experiment.objects.filter(pk=experiment.pk).update(state=State.REGISTERED)


def test_database_refuses_a_concluded_experiment_without_a_decision():
    experiment = registered()
    with pytest.raises(IntegrityError), transaction.atomic():
        Experiment.objects.filter(pk=experiment.pk).update(state=State.CONCLUDED)
