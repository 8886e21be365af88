"""Fictional demo experiments and their discussions from site/demo/experiments.json.

Loaded by `manage.py seed_demo`, after the demo users and DEMO evidence pages.

Every experiment goes through the forum's services (create, start a replication or a
next cycle, register, amend, post results, withdraw), so the rows are what the site
itself would have written. The services stamp "now", so the demo is then spread over
past months: each new experiment's dates move back by the days its entry gives, and its
registered plan is re-stamped and re-hashed exactly as registration does it (the plan's
end date moves with it, so it was in the future on the day the plan was registered).

Replies are written as rows rather than through the reply form, which would e-mail the
author and followers; each experiment's reply count is set once at the end.
"""

import datetime
import json

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from evidence.models import AgeBand, EvidencePage, PracticeHypothesis, Topic

from . import services
from .choices import State
from .models import Experiment, Reply
from .plan import plan_hash, utc_timestamp

DEMO_FILE = settings.BASE_DIR / "site" / "demo" / "experiments.json"
TICKS = {
    "manager_aware": True,
    "within_statutory_duties": True,
    "anonymisation_attested": True,
}
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


def _entries() -> list[dict]:
    return json.loads(DEMO_FILE.read_text())["experiments"]


class _Lookup:
    """The users, vocabulary and evidence pages the entries name, read once."""

    def __init__(self):
        self.users = {user.username: user for user in User.objects.all()}
        self.topics = {topic.slug: topic for topic in Topic.objects.all()}
        self.bands = {band.code: band for band in AgeBand.objects.all()}
        self.pages = {page.slug: page for page in EvidencePage.objects.all()}
        self.experiments: dict[str, Experiment] = {}

    def user(self, username: str) -> User:
        try:
            return self.users[username]
        except KeyError:
            raise ValueError(f"Demo user {username!r} does not exist.") from None

    def page(self, slug: str) -> EvidencePage:
        try:
            return self.pages[slug]
        except KeyError:
            raise ValueError(f"Demo evidence page {slug!r} does not exist.") from None

    def existing(self, entry: dict) -> Experiment | None:
        return Experiment.objects.filter(
            author=self.user(entry["author"]), title=entry["plan"]["title"]
        ).first()


def _plan_data(entry: dict, lookup: _Lookup, today: datetime.date) -> dict:
    """The entry's plan as service data: codes and slugs turned into records."""
    data = {**TICKS, **entry["plan"]}
    if "evidence_page" in entry:
        data["evidence_page"] = lookup.page(entry["evidence_page"])
    if entry.get("practice_hypothesis") is not None:
        if "evidence_page" not in data:
            raise ValueError(
                f"Demo experiment {entry['key']!r} names no evidence page."
            )
        # By position on the page, in the order editors gave them.
        hypotheses = PracticeHypothesis.objects.filter(
            page=data["evidence_page"]
        ).order_by("sort_order", "pk")
        data["practice_hypothesis"] = hypotheses[entry["practice_hypothesis"]]
    elif "practice_hypothesis" in entry:
        # A next cycle testing something other than its predecessor's hypothesis.
        data["practice_hypothesis"] = None
    if "topics" in entry:
        data["topics"] = [lookup.topics[slug] for slug in entry["topics"]]
    if "service_stage" in entry:
        data["service_stage"] = lookup.topics[entry["service_stage"]]
    if "age_band" in entry:
        data["age_band"] = lookup.bands[entry["age_band"]]
    if "planned_weeks" in entry:
        # At registration the end date must not be in the past; it moves back with
        # the registration date in _backdate.
        data["planned_end_date"] = today + datetime.timedelta(
            weeks=entry["planned_weeks"]
        )
    return data


def _moment(now: datetime.datetime, days_ago: int, index: int) -> datetime.datetime:
    """A working-day time `days_ago` days back, varied by the entry's position."""
    morning = now.replace(hour=9, minute=0, second=0, microsecond=0)
    return morning - days_ago * DAY + datetime.timedelta(minutes=(index * 47) % 420)


def _backdate(
    experiment: Experiment, entry: dict, *, now: datetime.datetime, index: int
) -> None:
    """Move the new experiment's dates back to the ones its entry gives."""
    if experiment.state == State.DRAFT:
        created = _moment(now, entry["created_days_ago"], index)
        changes = {"created_at": created, "updated_at": created + 2 * HOUR}
    else:
        registered = _moment(now, entry["registered_days_ago"], index)
        end = registered.date() + datetime.timedelta(weeks=entry["planned_weeks"])
        plan = {
            **experiment.registered_plan,
            "registered_at": utc_timestamp(registered),
            "planned_end_date": end.isoformat(),
        }
        changes = {
            "created_at": registered - (2 + index % 5) * DAY,
            "registered_at": registered,
            "registered_plan": plan,
            "plan_sha256": plan_hash(plan),
            "planned_end_date": end,
            "updated_at": registered,
        }
        for field, key in (
            ("concluded_at", "concluded_days_ago"),
            ("withdrawn_at", "withdrawn_days_ago"),
        ):
            if key in entry:
                changes[field] = _moment(now, entry[key], index) + 5 * HOUR
                changes["updated_at"] = changes[field]
        for amendment, item in zip(
            experiment.amendments.order_by("pk"),
            entry.get("amendments", []),
            strict=True,
        ):
            amendment.created_at = registered + item["days_after_registration"] * DAY
            amendment.save(update_fields=["created_at"])
    Experiment.objects.filter(pk=experiment.pk).update(**changes)


def _create(entry: dict, lookup: _Lookup, today: datetime.date) -> Experiment:
    author = lookup.user(entry["author"])
    data = _plan_data(entry, lookup, today)
    if "replication_of" in entry:
        draft = services.experiment_start_replication(
            original=lookup.experiments[entry["replication_of"]], by=author
        )
        return services.experiment_update_draft(experiment=draft, by=author, data=data)
    if "follow_up_of" in entry:
        draft = services.experiment_start_follow_up(
            predecessor=lookup.experiments[entry["follow_up_of"]], by=author
        )
        return services.experiment_update_draft(experiment=draft, by=author, data=data)
    return services.experiment_create(author=author, data=data)


def _advance(experiment: Experiment, entry: dict) -> Experiment:
    """Register, amend, post results and withdraw, as far as the entry's state says."""
    author = experiment.author
    state = entry["state"]
    if state == State.DRAFT:
        return experiment
    experiment = services.experiment_register(experiment=experiment, by=author)
    for item in entry.get("amendments", []):
        services.experiment_amend(
            experiment=experiment,
            by=author,
            field=item["field"],
            new_text=item["new_text"],
            reason=item["reason"],
        )
    if "results" in entry:
        experiment = services.experiment_post_results(
            experiment=experiment, by=author, data=entry["results"]
        )
    if state == State.WITHDRAWN:
        experiment = services.experiment_withdraw(
            experiment=experiment, by=author, reason=entry["withdrawal_reason"]
        )
    if experiment.state != state:
        raise ValueError(
            f"Demo experiment {entry['key']!r} ended up {experiment.state}."
        )
    return experiment


@transaction.atomic
def experiments_seed() -> list[Experiment]:
    """Create the demo experiments that do not exist yet (matched on author and title)."""
    lookup = _Lookup()
    now = timezone.now()
    today = timezone.localdate()
    created = []
    for index, entry in enumerate(_entries()):
        experiment = lookup.existing(entry)
        if experiment is None:
            experiment = _advance(_create(entry, lookup, today), entry)
            experiment.full_clean()
            _backdate(experiment, entry, now=now, index=index)
            experiment.refresh_from_db()
            created.append(experiment)
        lookup.experiments[entry["key"]] = experiment
    return created


def _walk(items: list[dict], parent: dict | None = None):
    """(item, its parent item) for a list of reply trees, depth first."""
    for item in items:
        yield item, parent
        yield from _walk(item.get("replies", []), item)


def _reply_times(experiment: Experiment, count: int, *, after_results: bool, now):
    """`count` evenly spaced times: while it runs, or in the weeks after its results."""
    if after_results:
        start = experiment.concluded_at + 2 * HOUR
        end = min(now - HOUR, experiment.concluded_at + 21 * DAY)
    else:
        start = experiment.registered_at + 4 * HOUR
        end = min(now - HOUR, experiment.concluded_at or now)
    step = (end - start) / (count + 1)
    return [start + step * (position + 1) for position in range(count)]


def _write_replies(
    experiment: Experiment, threads: list[dict], times: list, *, lookup, content_type
) -> list[Reply]:
    """Save reply trees in reading order; xtd's save() numbers thread, level and order."""
    saved: dict[int, Reply] = {}
    for (item, parent), when in zip(_walk(threads), times, strict=True):
        user = lookup.user(item["by"])
        reply = Reply(
            content_type=content_type,
            object_pk=str(experiment.pk),
            site_id=settings.SITE_ID,
            user=user,
            user_name=user.public_name[:50],
            user_email=user.email,
            comment=item["text"],
            submit_date=when,
            is_public=True,
            followup=item.get("followup", False),
            parent_id=saved[id(parent)].pk if parent is not None else 0,
        )
        reply.save()
        saved[id(item)] = reply
    return list(saved.values())


@transaction.atomic
def replies_seed() -> list[Reply]:
    """Write each demo experiment's discussion, unless it already has replies."""
    lookup = _Lookup()
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(Experiment)
    with_replies = set(
        Reply.objects.filter(content_type=content_type).values_list(
            "object_pk", flat=True
        )
    )
    created = []
    touched = []
    for entry in _entries():
        threads = entry.get("replies", [])
        experiment = lookup.existing(entry)
        if not threads or experiment is None or str(experiment.pk) in with_replies:
            continue
        if experiment.state not in (State.REGISTERED, State.CONCLUDED):
            raise ValueError(
                f"Demo experiment {entry['key']!r} is not open to replies."
            )
        # Threads about the plan while it runs first, then those about its results.
        for after_results in (False, True):
            part = [
                thread
                for thread in threads
                if thread.get("after_results", False) == after_results
            ]
            if not part:
                continue
            if after_results and experiment.state != State.CONCLUDED:
                raise ValueError(f"Demo experiment {entry['key']!r} has no results.")
            times = _reply_times(
                experiment,
                len(list(_walk(part))),
                after_results=after_results,
                now=now,
            )
            created += _write_replies(
                experiment, part, times, lookup=lookup, content_type=content_type
            )
        touched.append(experiment.pk)
    counts = (
        Reply.objects.filter(
            content_type=content_type,
            object_pk__in=[str(pk) for pk in touched],
            is_public=True,
        )
        .order_by()
        .values_list("object_pk")
        .annotate(total=Count("pk"))
    )
    for object_pk, total in counts:
        Experiment.objects.filter(pk=int(object_pk)).update(reply_count=total)
    return created
