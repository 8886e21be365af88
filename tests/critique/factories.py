"""Critiques for tests, made through the services so every rule applies."""

from critique import services
from critique.models import Critique
from critique.rubric import current_version
from critique.rules import ScoreInput
from tests.accounts.factories import UserFactory

COMPLETE = {
    "strengths": "A clear, testable hypothesis with a recorded baseline.",
    "other_explanations": "School holidays fell in the second half.",
    "suggestions": "Compare with the same weeks last year.",
    "missed_evidence": "",
    "certainty": "low",
    "recommendation": "adapt",
    "expertise": "practitioner",
    "same_team": False,
    "conflict_statement": "",
}
CONCERNS = ["Cancellations were counted by the author alone."]
QUESTIONS = ["How were sessions that were moved counted?"]


def all_scores(score: int | None = 3, *, version=None) -> dict[int, ScoreInput]:
    """The same score (or "can't tell" when None) on every criterion of the version."""
    version = version or current_version()
    return {
        criterion.pk: ScoreInput(score=score, cant_tell=score is None)
        for criterion in version.criteria.all()
    }


def draft_critique(experiment, reviewer=None, **data) -> Critique:
    reviewer = reviewer or UserFactory(roles=["practitioner"])
    scores = data.pop("scores", None) or all_scores()
    critique = services.critique_start(experiment=experiment, by=reviewer)
    return services.critique_save(
        critique=critique,
        by=reviewer,
        data={**COMPLETE, **data},
        scores=scores,
        concerns=list(CONCERNS),
        questions=list(QUESTIONS),
    )


def submitted_critique(experiment, reviewer=None, **data) -> Critique:
    """A complete critique of a registered experiment, submitted by `reviewer`."""
    critique = draft_critique(experiment, reviewer, **data)
    return services.critique_submit(critique=critique, by=critique.reviewer)
