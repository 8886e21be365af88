"""Every change to an experiment: keyword-only, permission and state checked, atomic.

Each function raises `ActionRefused` with a sentence a person can act on when the
actor may not do this, or the experiment is not in a state that allows it.
"""

import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from moderation import redaction
from moderation.audit import audit_record
from moderation.models import NOT_WITHHELD, AuditAction
from moderation.services import (
    FIRST_POSTS_REASON,
    hold_for_review,
    needs_premoderation,
)
from search.sync import index_sync_later

from . import permissions
from .choices import State
from .models import Amendment, Experiment
from .plan import (
    AMENDABLE_FIELD_NAMES,
    PLAN_FIELD_NAMES,
    TEXT_FIELD_NAMES,
    plan_as_dict,
    plan_hash,
)
from .rules import RESULT_FIELDS, plan_problems, results_problems

REDACTED = redaction.REDACTED
COPIED_ON_BUILD = tuple(
    name
    for name in PLAN_FIELD_NAMES
    if name not in {"topics", "anonymisation_attested", "data_collection_started"}
)


class ActionRefused(Exception):
    """The action is not allowed; str(error) says why and what to do instead."""


def _locked(experiment: Experiment) -> Experiment:
    """Re-read the experiment inside the transaction, locking its row where the database can."""
    return Experiment.objects.select_for_update().get(pk=experiment.pk)


def _refuse_unless(allowed: bool, message: str) -> None:
    if not allowed:
        raise ActionRefused(message)


def _apply_plan(experiment: Experiment, data: dict) -> None:
    for name in PLAN_FIELD_NAMES:
        if name != "topics" and name in data:
            setattr(experiment, name, data[name])


@transaction.atomic
def experiment_create(
    *, author, data: dict, token: uuid.UUID | None = None
) -> Experiment:
    """Save a new draft; a second call with the same token returns the first draft."""
    if token is not None:
        existing = Experiment.objects.filter(
            author=author, creation_token=token
        ).first()
        if existing is not None:
            return existing
    experiment = Experiment(author=author, creation_token=token)
    _apply_plan(experiment, data)
    try:
        with transaction.atomic():
            experiment.save()
    except IntegrityError:
        # The same form arrived twice at once; the other request saved it.
        return Experiment.objects.get(author=author, creation_token=token)
    if "topics" in data:
        experiment.topics.set(data["topics"])
    return experiment


@transaction.atomic
def experiment_update_draft(*, experiment: Experiment, by, data: dict) -> Experiment:
    experiment = _locked(experiment)
    _refuse_unless(
        permissions.can_edit_plan(by, experiment),
        _(
            "Only the author can change a plan, and only before it is registered. "
            "A registered plan is changed by adding an amendment."
        ),
    )
    _apply_plan(experiment, data)
    experiment.save()
    if "topics" in data:
        experiment.topics.set(data["topics"])
    return experiment


@transaction.atomic
def experiment_delete_draft(*, experiment: Experiment, by) -> None:
    experiment = _locked(experiment)
    _refuse_unless(
        permissions.can_edit_plan(by, experiment),
        _(
            "Only the author can delete a draft, and registered plans cannot be deleted: "
            "withdraw them instead."
        ),
    )
    experiment.delete()


@transaction.atomic
def experiment_register(
    *, experiment: Experiment, by, hold_reason: str = ""
) -> Experiment:
    """Freeze the plan: store its canonical form, SHA-256 and the registration time.

    One of a new member's first posts, or a plan given a `hold_reason` (the
    identifiability check's quasi-identifier count), then waits for a moderator.
    """
    experiment = _locked(experiment)
    _refuse_unless(
        permissions.can_register(by, experiment),
        _("Only the author can register a draft plan; this one is already registered.")
        if experiment.state != State.DRAFT
        else _("Only the author can register this plan."),
    )
    problems = plan_problems(experiment)
    if problems:
        raise ActionRefused(
            _("The plan is not ready to register: %(problems)s")
            % {"problems": "; ".join(problems)}
        )
    if not hold_reason and needs_premoderation(user=by):
        hold_reason = FIRST_POSTS_REASON
    now = timezone.now().replace(microsecond=0)
    plan = plan_as_dict(experiment, registered_at=now)
    experiment.registered_plan = plan
    experiment.plan_sha256 = plan_hash(plan)
    experiment.registered_at = now
    experiment.is_retrospective = experiment.data_collection_started
    experiment.state = State.REGISTERED
    experiment.save()
    if hold_reason:
        hold_for_review(target=experiment, reason=hold_reason)
    return experiment


def current_text(experiment: Experiment, field: str, amendments=None) -> str:
    """The text of one plan field after every public amendment so far."""
    if amendments is None:
        # A held or hidden amendment's text must not reach a copy or the next diff.
        amendments = experiment.amendments.filter(NOT_WITHHELD)
    text = (experiment.registered_plan or {}).get(field, getattr(experiment, field))
    for amendment in amendments:
        if amendment.field == field:
            text = amendment.new_text
    return text


@transaction.atomic
def experiment_amend(
    *,
    experiment: Experiment,
    by,
    field: str,
    new_text: str,
    reason: str,
    hold_reason: str = "",
) -> Amendment:
    experiment = _locked(experiment)
    _refuse_unless(
        permissions.can_amend(by, experiment),
        _(
            "Only the author can amend a plan, and only while the experiment is registered "
            "and has no results yet."
        ),
    )
    if field not in AMENDABLE_FIELD_NAMES:
        raise ActionRefused(_("That part of the plan cannot be amended."))
    if not reason.strip():
        raise ActionRefused(_("Say why the plan changed."))
    previous = current_text(experiment, field)
    if previous.strip() == new_text.strip():
        raise ActionRefused(_("The new text is the same as the current text."))
    amendment = Amendment.objects.create(
        experiment=experiment,
        author=by,
        field=field,
        previous_text=previous,
        new_text=new_text.strip(),
        reason=reason.strip(),
    )
    if hold_reason:
        hold_for_review(target=amendment, reason=hold_reason)
    index_sync_later(experiment)  # the amended text is searchable
    return amendment


@transaction.atomic
def experiment_post_results(
    *, experiment: Experiment, by, data: dict, hold_reason: str = ""
) -> Experiment:
    """Part B. With a `hold_reason`, the experiment waits for a moderator again."""
    experiment = _locked(experiment)
    if experiment.state == State.DRAFT and permissions.is_author(by, experiment):
        raise ActionRefused(
            _(
                "Register the plan before posting results, so readers can see the plan "
                "came first."
            )
        )
    _refuse_unless(
        permissions.can_post_results(by, experiment),
        _("Only the author can post results, once, on a registered experiment."),
    )
    for name in RESULT_FIELDS:
        if name in data:
            setattr(experiment, name, data[name])
    problems = results_problems(experiment)
    if problems:
        raise ActionRefused(
            _("The results are not complete: %(problems)s")
            % {"problems": "; ".join(problems)}
        )
    experiment.state = State.CONCLUDED
    experiment.concluded_at = timezone.now()
    experiment.save()
    if hold_reason:
        hold_for_review(target=experiment, reason=hold_reason)
    return experiment


@transaction.atomic
def experiment_withdraw(*, experiment: Experiment, by, reason: str) -> Experiment:
    experiment = _locked(experiment)
    _refuse_unless(
        permissions.can_withdraw(by, experiment),
        _("Only the author can withdraw a registered or concluded experiment."),
    )
    if not reason.strip():
        raise ActionRefused(
            _("Say why the experiment is withdrawn; readers will see it.")
        )
    experiment.state = State.WITHDRAWN
    experiment.withdrawn_at = timezone.now()
    experiment.withdrawal_reason = reason.strip()
    experiment.save()
    return experiment


@transaction.atomic
def experiment_redact_plan(
    *, experiment: Experiment, by, field: str, reason: str
) -> None:
    """A moderator removes one text field of a published plan everywhere it is stored."""
    experiment = _locked(experiment)
    _refuse_unless(
        permissions.can_redact(by, experiment),
        _("Only moderators can redact a published plan."),
    )
    if field not in TEXT_FIELD_NAMES:
        raise ActionRefused(_("Only the plan's text can be redacted."))
    if not reason.strip():
        raise ActionRefused(_("Give a reason for the redaction; it is logged."))
    redaction.purge(experiment, field=field, by=by, reason=reason)
    audit_record(
        actor=by,
        action=AuditAction.REDACTED,
        target=experiment,
        reason=reason,
        field=field,
    )


def _build_on(source: Experiment, *, by, link: str) -> Experiment:
    data = {
        name: current_text(source, name)
        if name in TEXT_FIELD_NAMES
        else getattr(source, name)
        for name in COPIED_ON_BUILD
    }
    data["topics"] = list(source.topics.all())
    draft = experiment_create(author=by, data=data)
    setattr(draft, link, source)
    draft.save(update_fields=[link])
    return draft


@transaction.atomic
def experiment_start_replication(*, original: Experiment, by) -> Experiment:
    """ "I'll try this too": a new draft for `by`, prefilled from the original and linked to it."""
    _refuse_unless(
        permissions.can_build_on(by, original),
        _("Only registered or concluded experiments can be replicated."),
    )
    _refuse_unless(
        not permissions.is_author(by, original),
        _(
            "This is your own experiment: start its next cycle instead of "
            "replicating it."
        ),
    )
    _refuse_unless(
        not original.is_withheld,
        _("This experiment is with the moderators; it can be replicated once public."),
    )
    return _build_on(original, by=by, link="replication_of")


@transaction.atomic
def experiment_start_follow_up(*, predecessor: Experiment, by) -> Experiment:
    """The next cycle: the author's new draft, prefilled and linked to its predecessor."""
    _refuse_unless(
        permissions.can_start_follow_up(by, predecessor),
        _(
            "Only the author can start the next cycle of a registered or concluded experiment."
        ),
    )
    _refuse_unless(
        not predecessor.is_withheld,
        _("The next cycle can start once a moderator has approved this experiment."),
    )
    return _build_on(predecessor, by=by, link="follow_up_of")
