"""What a critique needs before it can be submitted: one list used by the form and the service."""

from dataclasses import dataclass

from .choices import SCORE_MAX, SCORE_MIN, Recommendation


@dataclass(frozen=True)
class ScoreInput:
    """One criterion as the reviewer filled it in."""

    score: int | None = None
    cant_tell: bool = False
    comment: str = ""

    @property
    def is_answered(self) -> bool:
        return self.cant_tell or self.score is not None


def score_problem(value: ScoreInput) -> str:
    if value.score is not None and not SCORE_MIN <= value.score <= SCORE_MAX:
        return f"Scores run from {SCORE_MIN} to {SCORE_MAX}."
    if value.score is not None and value.cant_tell:
        return "Choose a score or “Can't tell”, not both."
    return ""


def submission_problems(*, critique, criteria, scores: dict, concerns: list) -> list:
    """Sentences saying what is still missing; empty when the critique can be submitted."""
    problems = []
    for criterion in criteria:
        value = scores.get(criterion.pk)
        if not criterion.optional and (value is None or not value.is_answered):
            problems.append(
                f"{criterion.code} {criterion.title}: choose a score or “Can't tell”."
            )
    if not critique.strengths.strip():
        problems.append("Name at least one strength of the experiment.")
    if not critique.certainty:
        problems.append("Choose your overall certainty.")
    if not critique.recommendation:
        problems.append("Choose a recommendation.")
    if not critique.expertise:
        problems.append("Say what expertise you bring.")
    if critique.recommendation == Recommendation.CONCERN and not concerns:
        problems.append(
            "You chose to raise a concern for moderators: describe it under "
            "main concerns so they can act on it."
        )
    return problems
