import datetime

import factory

from django.utils import timezone

from evidence.models import AgeBand, Topic
from forum import services
from forum.models import Experiment
from tests.accounts.factories import UserFactory


class ExperimentFactory(factory.django.DjangoModelFactory):
    """A draft with a complete plan, ready to register."""

    class Meta:
        model = Experiment
        skip_postgeneration_save = True

    author = factory.SubFactory(UserFactory, roles=["practitioner"])
    title = factory.Sequence(lambda n: f"Agreeing the purpose of family time {n}")
    aim = "Find out whether agreeing the purpose of sessions reduces cancellations."
    hypothesis_change = "agree the purpose of each family time session"
    hypothesis_who = "parents of children in care aged 6-11"
    hypothesis_outcome = "the number of cancelled sessions"
    hypothesis_direction = "decrease"
    hypothesis_mechanism = "everyone knows what the time is for"
    outside_reference = "DEMO reference: Writer, B. (2025). A fictional study."
    service_stage = factory.LazyFunction(
        lambda: Topic.objects.get(slug="children-in-care-and-placement-stability")
    )
    team_type = "children_in_care"
    age_band = factory.LazyFunction(lambda: AgeBand.objects.get(code="6-11"))
    families = "2-5"
    region = "england_north_west"
    what_i_will_try = "A ten-minute conversation before each block of family time."
    dose = "one ten-minute conversation"
    frequency = "before each block of sessions"
    duration = "8 weeks"
    comparison = "before_after"
    measure = "Sessions cancelled as a share of sessions planned."
    measure_when = "weekly"
    measure_who = "me, from the contact diary"
    prediction = "Fewer cancellations than in the 8 weeks before."
    success_threshold = "At least a quarter fewer cancellations."
    baseline = "About one in three sessions cancelled."
    manager_aware = True
    within_statutory_duties = True
    family_informed = True
    child_voice = "Ask each child what they want from the time, in their own words."
    planned_end_date = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=60)
    )
    anonymisation_attested = True

    @factory.post_generation
    def topics(experiment, create, extracted, **kwargs):
        if create:
            experiment.topics.set(
                extracted or [Topic.objects.get(slug="reunification")]
            )


def registered(**kwargs) -> Experiment:
    experiment = ExperimentFactory(**kwargs)
    return services.experiment_register(experiment=experiment, by=experiment.author)


RESULTS = {
    "actual_practice": "Held the conversation before most sessions.",
    "deviations": "Skipped two weeks during leave.",
    "outcome_against_prediction": "no_change",
    "what_happened": "Cancellations stayed about the same.",
    "family_voice": "Parents said the conversation helped them plan travel.",
    "reflection": "Cancellations were mostly about transport, not purpose.",
    "decision": "adapt",
    "next_step": "Test help with transport.",
    "advice": "Ask why sessions are cancelled first.",
}


def concluded(**kwargs) -> Experiment:
    experiment = registered(**kwargs)
    return services.experiment_post_results(
        experiment=experiment, by=experiment.author, data=RESULTS
    )
