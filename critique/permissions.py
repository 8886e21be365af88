"""Who may do what with critiques: one place, used by views, templates and services."""

from forum.choices import State
from forum.permissions import can_view as can_view_experiment
from forum.permissions import is_author, is_moderator

from .choices import CritiqueState

CRITIQUABLE_STATES = (State.REGISTERED, State.CONCLUDED)


def why_cannot_critique(user, experiment) -> str:
    """Empty when `user` may write a critique of `experiment`; otherwise the reason."""
    if not user.is_authenticated:
        return "Sign in to critique this experiment."
    if experiment.state not in CRITIQUABLE_STATES:
        if experiment.state == State.WITHDRAWN:
            return "This experiment was withdrawn, so it cannot be critiqued."
        return "Only a registered plan can be critiqued; this one is still a draft."
    if is_author(user, experiment):
        return "You cannot critique your own experiment."
    if is_moderator(user):
        return "Moderators do not write critiques, so that they can judge them fairly."
    return ""


def can_critique(user, experiment) -> bool:
    return not why_cannot_critique(user, experiment)


def is_reviewer(user, critique) -> bool:
    return user.is_authenticated and user.pk == critique.reviewer_id


def can_view(user, critique) -> bool:
    """Drafts are the reviewer's alone; submitted and withdrawn critiques are public,
    unless the critique or its experiment is with the moderators: then its reviewer
    and moderators still see it."""
    if critique.state == CritiqueState.DRAFT:
        return is_reviewer(user, critique)
    if critique.experiment.state == State.DRAFT:
        return False
    if critique.is_withheld or not can_view_experiment(user, critique.experiment):
        return is_reviewer(user, critique) or is_moderator(user)
    return True


def can_edit(user, critique) -> bool:
    return is_reviewer(user, critique) and critique.state == CritiqueState.DRAFT


def can_withdraw(user, critique) -> bool:
    return is_reviewer(user, critique) and critique.state == CritiqueState.SUBMITTED


def can_respond(user, critique) -> bool:
    return (
        critique.state == CritiqueState.SUBMITTED
        and not critique.is_withheld
        and is_author(user, critique.experiment)
        and critique.experiment.state in CRITIQUABLE_STATES
    )


def can_acknowledge(user, critique) -> bool:
    return is_reviewer(user, critique) and critique.state == CritiqueState.SUBMITTED


def can_mark_helpful(user, critique) -> bool:
    return (
        user.is_authenticated
        and critique.state == CritiqueState.SUBMITTED
        and not critique.is_withheld
        and not is_reviewer(user, critique)
    )


def can_request(user, experiment) -> bool:
    return is_author(user, experiment) and experiment.state in CRITIQUABLE_STATES
