"""Who may do what to an experiment: one place, used by views, templates and services."""

from accounts.roles import Role

from .choices import State


def is_moderator(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or user.has_role(Role.MODERATOR)
    )


def can_view(user, experiment) -> bool:
    """Drafts are their author's alone; an experiment held for or hidden by a moderator
    is seen only by its author and moderators; the rest is public."""
    if experiment.state == State.DRAFT:
        return is_author(user, experiment)
    if experiment.is_withheld:
        return is_author(user, experiment) or is_moderator(user)
    return True


def is_author(user, experiment) -> bool:
    return user.is_authenticated and user.pk == experiment.author_id


def can_edit_plan(user, experiment) -> bool:
    return is_author(user, experiment) and experiment.state == State.DRAFT


def can_register(user, experiment) -> bool:
    return can_edit_plan(user, experiment)


def can_amend(user, experiment) -> bool:
    return is_author(user, experiment) and experiment.state == State.REGISTERED


def can_post_results(user, experiment) -> bool:
    return is_author(user, experiment) and experiment.state == State.REGISTERED


def can_withdraw(user, experiment) -> bool:
    return is_author(user, experiment) and experiment.state in (
        State.REGISTERED,
        State.CONCLUDED,
    )


def can_redact(user, experiment) -> bool:
    return is_moderator(user) and experiment.state != State.DRAFT


def can_build_on(user, experiment) -> bool:
    """Replicate it ("I'll try this too") or start its next cycle."""
    return user.is_authenticated and experiment.state in (
        State.REGISTERED,
        State.CONCLUDED,
    )


def can_start_follow_up(user, experiment) -> bool:
    return is_author(user, experiment) and experiment.state in (
        State.REGISTERED,
        State.CONCLUDED,
    )


def can_reply(user, experiment) -> bool:
    return (
        user.is_authenticated
        and experiment.state in (State.REGISTERED, State.CONCLUDED)
        and not experiment.discussion_locked
    )
