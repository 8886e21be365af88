"""The permission matrix: for every URL pattern of the site, what each kind of person
gets back from it, and what they may change through it.

`MATRIX` maps each URL name to one or more `Case`s. A case is the URL in one
situation (a draft, a registered plan, someone's hidden post...), with the expected
outcome of a GET, and of a POST where the view changes something, for each of six
people:

anonymous  not signed in
owner      a practitioner who wrote the things the URL is about (sam)
other      another practitioner with no part in them (alex)
moderator  a member of the Moderator group (without Wagtail admin access)
editor     a member of the Editor group (with Wagtail admin access)
admin      a superuser

For a critique, the owner is its reviewer, except on the author's side (answering,
asking for critiques), where the owner is the experiment's author. For a person
(suspension), the owner is the person acted on.

Outcomes, as the person would notice them:

PAGE         200, and nothing stored changes
LOGIN        sent to the sign-in page, which would bring them back afterwards
MISSING      404: the page does not admit the thing exists for them
NOT_ALLOWED  405: a GET on a button-only action
FORBIDDEN    403
moved(to)    301 to the canonical address
refused(to)  302 back, with a message saying why, and nothing changes
redirect(to) 302 somewhere, without acting, and nothing changes
done(...)    the action happens: something stored changes

A cell whose current behaviour differs from the expected one is listed in the case's
`wrong`, with what happens instead; the test marks it as a strict expected failure.
Once the view is put right that cell passes, which fails the run: delete its `Wrong`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.conf import settings
from django.urls import reverse

from critique import services as critique_services
from critique.rubric import current_version
from evidence.models import EvidenceIndexPage
from forum import replies as forum_replies
from forum import services as forum_services
from forum.models import Experiment
from forum.reply_forms import ReplyForm
from moderation import services as moderation_services
from notifications.models import Kind, Notification
from notifications.services import unsubscribe_token
from tests.accounts.factories import PASSWORD, UserFactory
from tests.critique.factories import draft_critique, submitted_critique
from tests.evidence.factories import EvidencePageFactory
from tests.forum.factories import RESULTS, ExperimentFactory, registered
from tests.moderation.helpers import add_reply

ANONYMOUS = "anonymous"
OWNER = "owner"
OTHER = "other"
MODERATOR = "moderator"
EDITOR = "editor"
ADMIN = "admin"
ACTORS = (ANONYMOUS, OWNER, OTHER, MODERATOR, EDITOR, ADMIN)

# The pytest fixture that makes each signed-in person (tests/conftest.py, and
# `administrator` in the test module).
FIXTURES = {
    OWNER: "practitioner",
    OTHER: "other_practitioner",
    MODERATOR: "moderator",
    EDITOR: "editor",
    ADMIN: "administrator",
}

# Text that passes the identifiability check, with the attestation ticked, for forms
# that publish what they are sent.
ATTESTED = {
    "identifiability_attested": "on",
    "identifiability_reason": "Fictional text written for a test.",
}


# ---------------------------------------------------------------------------
# Outcomes


Where = Callable[["World"], str]


@dataclass(frozen=True)
class Outcome:
    kind: str
    status: int
    to: Where | str | None = None

    @property
    def changes(self) -> bool:
        return self.kind == "done"

    def location(self, world: World) -> str | None:
        if self.to is None or isinstance(self.to, str):
            return self.to
        return self.to(world)

    def __str__(self) -> str:
        return f"{self.kind} ({self.status})"


PAGE = Outcome("page", 200)
LOGIN = Outcome("login", 302)
MISSING = Outcome("missing", 404)
NOT_ALLOWED = Outcome("not-allowed", 405)
# No page of ours answers 403 today (refusals are 404s or redirects with a message),
# but a new one might.
FORBIDDEN = Outcome("forbidden", 403)


def moved(to: Where | str) -> Outcome:
    return Outcome("moved", 301, to)


def refused(to: Where | str) -> Outcome:
    return Outcome("refused", 302, to)


def redirect(to: Where | str) -> Outcome:
    return Outcome("redirect", 302, to)


def done(to: Where | str | None = None, *, status: int = 302) -> Outcome:
    return Outcome("done", status, to)


def row(anonymous, owner, other, moderator, editor, admin) -> dict[str, Outcome]:
    return dict(
        zip(ACTORS, (anonymous, owner, other, moderator, editor, admin), strict=True)
    )


def everyone(outcome: Outcome) -> dict[str, Outcome]:
    return row(*(outcome,) * len(ACTORS))


def signed_in(outcome: Outcome) -> dict[str, Outcome]:
    """Anonymous people are sent to sign in; everyone signed in gets `outcome`."""
    return row(LOGIN, *(outcome,) * (len(ACTORS) - 1))


def moderators_only(outcome: Outcome) -> dict[str, Outcome]:
    """Moderators and administrators get `outcome`; other signed-in people a 404."""
    return row(LOGIN, MISSING, MISSING, outcome, MISSING, outcome)


def owner_only(outcome: Outcome, others: Outcome = MISSING) -> dict[str, Outcome]:
    return row(LOGIN, outcome, others, others, others, others)


@dataclass(frozen=True)
class Wrong:
    """A cell where the site does not yet do what the matrix expects."""

    method: str
    actor: str
    actual: str
    where: str  # the file and function at fault


@dataclass(frozen=True)
class Case:
    url: Callable[[World], str]
    get: dict[str, Outcome]
    post: dict[str, Outcome] | None = None
    data: Callable[[World], dict] = lambda world: {}
    variant: str = ""
    # The route exercised, in `ResolverMatch.route`'s spelling; needed only where
    # one URL name has several routes.
    route: str | None = None
    wrong: tuple[Wrong, ...] = ()

    def outcomes(self, method: str) -> dict[str, Outcome] | None:
        return self.get if method == "GET" else self.post


# ---------------------------------------------------------------------------
# The people and things the URLs are about, each made the first time it is asked for.


class World:
    def __init__(self, request):
        self._request = request

    def user(self, actor: str):
        if actor == ANONYMOUS:
            return None
        return self._request.getfixturevalue(FIXTURES[actor])

    @cached_property
    def owner(self):
        return self.user(OWNER)

    @cached_property
    def moderator(self):
        return self.user(MODERATOR)

    @cached_property
    def third(self):
        """A practitioner who is none of the six: critic of, or author beside, the owner."""
        return UserFactory(username="robin", roles=["practitioner"])

    # Experiments

    @cached_property
    def draft(self):
        return ExperimentFactory(author=self.owner, title="Planning family time")

    @cached_property
    def registered(self):
        return registered(author=self.owner, title="Agreeing the purpose of visits")

    @cached_property
    def hidden(self):
        experiment = registered(author=self.owner, title="Calling before each visit")
        moderation_services.content_hide(
            target=experiment, by=self.moderator, reason="It names a school."
        )
        experiment.refresh_from_db()
        return experiment

    @cached_property
    def locked(self):
        experiment = registered(author=self.owner, title="Meeting before reviews")
        return moderation_services.discussion_lock(
            experiment=experiment, by=self.moderator, reason="Going round in circles."
        )

    @cached_property
    def others_experiment(self):
        """Registered by the third person; the owner critiques it."""
        return registered(author=self.third, title="Shorter review meetings")

    @cached_property
    def others_second_experiment(self):
        return registered(author=self.third, title="Visits after school")

    # Replies and amendments

    @cached_property
    def reply(self):
        return add_reply(self.registered, "Did you count moved visits?", self.owner)

    @cached_property
    def held_reply(self):
        reply = add_reply(self.registered, "A first reply.", self.owner)
        moderation_services.hold_for_review(target=reply, reason="First post.")
        reply.refresh_from_db()
        return reply

    @cached_property
    def amendment(self):
        return forum_services.experiment_amend(
            experiment=self.registered,
            by=self.owner,
            field="aim",
            new_text="Find out whether agreeing the purpose cuts cancellations.",
            reason="Clearer wording.",
        )

    @cached_property
    def reported_amendment(self):
        amendment = self.amendment
        moderation_services.report_submit(
            target=amendment, reporter=self.third, reason="unprofessional"
        )
        return amendment

    # Critiques

    @cached_property
    def own_critique(self):
        """Submitted by the owner, of the third person's experiment."""
        return submitted_critique(self.others_experiment, self.owner)

    @cached_property
    def own_draft_critique(self):
        return draft_critique(self.others_second_experiment, self.owner)

    @cached_property
    def answered_own_critique(self):
        """The owner's critique, with the third person's answer to its first concern."""
        critique = self.own_critique
        concern = critique.points.get(kind="concern", position=1)
        critique_services.critique_respond(
            critique=critique,
            by=self.third,
            answers={concern.pk: ("addressed", "A second person counted too.")},
        )
        return critique

    @cached_property
    def hidden_critique(self):
        critique = self.own_critique
        moderation_services.content_hide(
            target=critique, by=self.moderator, reason="Unkind wording."
        )
        critique.refresh_from_db()
        return critique

    @cached_property
    def critique_of_own(self):
        """Submitted by the third person, of the owner's registered experiment."""
        return submitted_critique(self.registered, self.third)

    @cached_property
    def request_to_owner(self):
        [asked] = critique_services.critique_request(
            experiment=self.others_experiment,
            by=self.third,
            reviewers=[self.owner],
            message="Would you look at the measure?",
        )
        return asked

    # Notifications, links from e-mails, people

    @cached_property
    def notification(self):
        """The owner's unread "critique received" notification."""
        self.critique_of_own  # noqa: B018 - submitting it tells the owner
        return Notification.objects.get(
            recipient=self.owner, kind=Kind.CRITIQUE_RECEIVED
        )

    @cached_property
    def mute_token(self) -> str:
        return forum_replies.mute_token(
            user_id=self.owner.pk, experiment_id=self.registered.pk
        )

    @cached_property
    def unsubscribe_token(self) -> str:
        return unsubscribe_token(user_id=self.owner.pk, kind=Kind.CRITIQUE_RECEIVED)

    @cached_property
    def suspended_owner(self):
        moderation_services.user_suspend(
            user=self.owner, by=self.moderator, reason="Repeated abuse."
        )
        self.owner.refresh_from_db()
        return self.owner

    @cached_property
    def second_moderator(self):
        return UserFactory(username="morgan", roles=["moderator"])

    @cached_property
    def closed_account(self):
        return UserFactory(username="gone", is_active=False)

    # Evidence pages

    @cached_property
    def evidence_index(self):
        return EvidenceIndexPage.objects.get()

    @cached_property
    def evidence_page(self):
        return EvidencePageFactory(
            parent=self.evidence_index,
            title="DEMO Family group conferences",
            slug="family-group-conferences",
        )

    @cached_property
    def unpublished_evidence_page(self):
        return EvidencePageFactory(
            parent=self.evidence_index,
            title="DEMO Not yet published",
            slug="not-yet-published",
            live=False,
        )

    def restricted_evidence_page(self, restriction_type: str):
        from wagtail.models import PageViewRestriction

        page = EvidencePageFactory(
            parent=self.evidence_index,
            title=f"DEMO Restricted ({restriction_type})",
            slug=f"restricted-{restriction_type}",
        )
        restriction = PageViewRestriction.objects.create(
            page=page, restriction_type=restriction_type, password="let-me-in"
        )
        return page, restriction

    @cached_property
    def password_page(self):
        return self.restricted_evidence_page("password")

    @cached_property
    def members_page(self):
        return self.restricted_evidence_page("login")


# ---------------------------------------------------------------------------
# Addresses and form data


def url(name: str, **kwargs: Callable[[World], Any]) -> Callable[[World], str]:
    """The address of `name`, each keyword's value worked out from the world."""

    def build(world: World) -> str:
        return reverse(name, kwargs={key: get(world) for key, get in kwargs.items()})

    return build


def fixed(path: str) -> Callable[[World], str]:
    return lambda world: path


def pk(attribute: str) -> Callable[[World], int]:
    return lambda world: getattr(world, attribute).pk


def page_of(attribute: str) -> Where:
    """The public page of an experiment, or of the experiment a critique is about."""
    return lambda world: getattr(world, attribute).get_absolute_url()


def item_of(kind: str, attribute: str) -> Where:
    return lambda world: reverse(
        "moderation:item", kwargs={"kind": kind, "pk": getattr(world, attribute).pk}
    )


def reason(text: str = "Recorded for the test.") -> Callable[[World], dict]:
    return lambda world: {"reason": text}


def plan_data(world: World) -> dict:
    return {
        "creation_token": str(uuid.uuid4()),
        "title": "Agreeing the purpose of family time, again",
        "aim": "Reduce cancellations.",
        "save": "1",
    }


def reply_data(attribute: str) -> Callable[[World], dict]:
    def build(world: World) -> dict:
        experiment = getattr(world, attribute)
        data = ReplyForm(experiment).initial.copy()
        data.update(
            comment="Did the families choose the times?",
            reply_to=0,
            next=experiment.get_absolute_url(),
            **ATTESTED,
        )
        return data

    return build


def critique_draft_data(world: World) -> dict:
    return {
        "rubric_version": current_version().pk,
        "strengths": "A baseline recorded before starting.",
        "action": "save",
    }


def answers_data(world: World) -> dict:
    data = dict(ATTESTED)
    for point in world.critique_of_own.points.all():
        data[f"status_{point.pk}"] = "disagree"
        data[f"reply_{point.pk}"] = "The rater was independent of the family."
    return data


def results_data(world: World) -> dict:
    return {**RESULTS, **ATTESTED}


def new_draft_edit_page(world: World) -> str:
    """The edit page of the newest experiment (a replication or next cycle)."""
    newest = Experiment.objects.order_by("-pk").first()
    return reverse("forum:experiment_edit", kwargs={"pk": newest.pk})


def reply_page(world: World) -> str:
    return world.reply.get_absolute_url()


def path_of(name: str) -> Where:
    return lambda world: reverse(name)


def with_unread_notification(world: World) -> str:
    """The "mark all read" address, once the owner has an unread notification."""
    world.notification  # noqa: B018 - made on first use
    return reverse("notifications:mark_all_read")


def wrong(methods, actors, actual: str, where: str) -> tuple[Wrong, ...]:
    return tuple(Wrong(m, a, actual, where) for m in methods for a in actors)


def moderation_act(kind: str, attribute: str, action: str) -> Callable[[World], str]:
    return lambda world: reverse(
        "moderation:act",
        kwargs={"kind": kind, "pk": getattr(world, attribute).pk, "action": action},
    )


# ---------------------------------------------------------------------------
# The matrix

E = "experiments/"

# Sent back to a page with a message, nothing changed.
TO_PLAN = refused(page_of("registered"))
TO_DRAFT = refused(page_of("draft"))
TO_HIDDEN = refused(page_of("hidden"))
TO_OWN_CRITIQUE = refused(page_of("own_critique"))
TO_HIDDEN_CRITIQUE = refused(page_of("hidden_critique"))
TO_CRITIQUE_OF_OWN = refused(page_of("critique_of_own"))
TO_ANSWERED = refused(page_of("answered_own_critique"))
TO_QUEUE = refused(path_of("moderation:queue"))
HOME = redirect(settings.LOGIN_REDIRECT_URL)
REPORT = {"reason": "unprofessional", "details": "The tone."}

# fmt: off
MATRIX: dict[str, list[Case]] = {
    # --- Wagtail's page tree: home, evidence index and evidence pages -------------------
    "wagtail_serve": [
        Case(variant="home", url=fixed("/"), get=everyone(PAGE)),
        Case(variant="evidence index", url=fixed("/evidence/"), get=everyone(PAGE)),
        Case(variant="evidence page", url=lambda w: w.evidence_page.url, get=everyone(PAGE)),
        # Editors preview drafts in the admin; the public site serves live pages only.
        Case(
            variant="unpublished evidence page",
            url=lambda w: w.unpublished_evidence_page.url_path.removeprefix("/home"),
            get=everyone(MISSING),
        ),
        Case(variant="no such page", url=fixed("/no-such-page/"), get=everyone(MISSING)),
        # Wagtail asks for the page's password, whoever is signed in.
        Case(variant="password-protected page", url=lambda w: w.password_page[0].url, get=everyone(PAGE)),
        Case(
            variant="page for signed-in readers",
            url=lambda w: w.members_page[0].url,
            get=row(
                redirect(lambda w: f"{reverse('wagtailcore_login')}?next={w.members_page[0].url}"),
                PAGE, PAGE, PAGE, PAGE, PAGE,
            ),
        ),
    ],
    "wagtailcore_authenticate_with_password": [
        Case(
            url=lambda w: reverse(
                "wagtailcore_authenticate_with_password",
                args=[w.password_page[1].pk, w.password_page[0].pk],
            ),
            get=everyone(PAGE),
        ),
    ],
    # The sign-in page for restricted pages (Django's LoginView, as Wagtail mounts it).
    "wagtailcore_login": [Case(url=fixed("/_util/login/"), get=everyone(PAGE))],

    # --- django-allauth: sign-up, sign-in, e-mail and password --------------------------
    "account_login": [Case(url=url("account_login"), get=row(PAGE, HOME, HOME, HOME, HOME, HOME))],
    "account_signup": [Case(url=url("account_signup"), get=row(PAGE, HOME, HOME, HOME, HOME, HOME))],
    # Signing out changes the session only.
    "account_logout": [
        Case(
            url=url("account_logout"),
            get=row(redirect("/"), PAGE, PAGE, PAGE, PAGE, PAGE),
            post=everyone(redirect("/")),
        ),
    ],
    "account_inactive": [Case(url=url("account_inactive"), get=everyone(PAGE))],
    "account_reauthenticate": [Case(url=url("account_reauthenticate"), get=signed_in(PAGE))],
    "account_request_reauthentication_code": [
        Case(url=url("account_request_reauthentication_code"), get=signed_in(PAGE)),
    ],
    "account_confirm_reauthentication_code": [
        Case(url=url("account_confirm_reauthentication_code"), get=signed_in(redirect("/accounts/reauthenticate/code/"))),
    ],
    # No action chosen: back to the page, and nothing changes.
    "account_email": [Case(url=url("account_email"), get=signed_in(PAGE), post=signed_in(redirect("/accounts/email/")))],
    "account_email_verification_sent": [Case(url=url("account_email_verification_sent"), get=everyone(PAGE))],
    # An empty form is shown again with its errors.
    "account_change_password": [Case(url=url("account_change_password"), get=signed_in(PAGE), post=signed_in(PAGE))],
    # Everyone here has a password already, so allauth offers to change it instead.
    "account_set_password": [Case(url=url("account_set_password"), get=signed_in(redirect("/accounts/password/change/")))],
    "account_reset_password": [Case(url=url("account_reset_password"), get=everyone(PAGE))],
    # Signing in by code is off: there is no code to confirm.
    "account_confirm_login_code": [
        Case(url=url("account_confirm_login_code"), get=row(redirect("/accounts/login/"), *(redirect("/"),) * 5)),
    ],
    # Made-up keys: the pages say the link is not valid.
    "account_confirm_email": [
        Case(url=lambda w: reverse("account_confirm_email", args=["not-a-real-key"]), get=everyone(PAGE)),
    ],
    "account_reset_password_from_key": [
        Case(
            url=lambda w: reverse("account_reset_password_from_key", kwargs={"uidb36": "1", "key": "not-a-real-key"}),
            get=everyone(PAGE),
        ),
    ],
    "account_reset_password_from_key_done": [Case(url=url("account_reset_password_from_key_done"), get=everyone(PAGE))],
    "account_reset_password_done": [Case(url=url("account_reset_password_done"), get=everyone(PAGE))],

    # --- accounts -----------------------------------------------------------------------
    "accounts:profile": [
        Case(variant="active", url=url("accounts:profile", username=lambda w: w.owner.username), get=everyone(PAGE)),
        Case(variant="closed account", url=url("accounts:profile", username=lambda w: w.closed_account.username), get=everyone(MISSING)),
    ],
    # Everyone edits their own profile, downloads their own data, deletes their own
    # account; an administrator's deletion is refused on the page itself.
    "accounts:profile_edit": [
        Case(
            url=url("accounts:profile_edit"),
            get=signed_in(PAGE),
            post=signed_in(done()),
            data=lambda w: {"display_name": "A new name", "roles": ["researcher"]},
        ),
    ],
    "accounts:data_export": [Case(url=url("accounts:data_export"), get=signed_in(PAGE), post=signed_in(PAGE))],
    "accounts:account_delete": [
        Case(
            url=url("accounts:account_delete"),
            #         anonymous  owner              other              moderator          editor             admin
            get=row(  LOGIN,     PAGE,              PAGE,              PAGE,              PAGE,              PAGE),
            post=row( LOGIN,     done(status=200),  done(status=200),  done(status=200),  done(status=200),  PAGE),
            data=lambda w: {"password": PASSWORD, "confirm": "on"},
        ),
    ],

    # --- forum: experiments, replies ----------------------------------------------------
    "forum:experiment_list": [Case(url=url("forum:experiment_list"), get=everyone(PAGE))],
    "forum:topic": [Case(url=url("forum:topic", topic_slug=lambda w: "neglect"), get=everyone(PAGE))],
    "forum:feed": [Case(url=url("forum:feed"), get=everyone(PAGE))],
    "forum:topic_feed": [Case(url=url("forum:topic_feed", topic_slug=lambda w: "neglect"), get=everyone(PAGE))],
    "forum:my_experiments": [Case(url=url("forum:my_experiments"), get=signed_in(PAGE))],
    "forum:experiment_create": [
        Case(url=url("forum:experiment_create"), get=signed_in(PAGE), post=signed_in(done()), data=plan_data),
    ],
    "forum:experiment_detail": [
        Case(
            variant="without slug",
            route=E + "<int:pk>/",
            url=url("forum:experiment_detail", pk=pk("registered")),
            get=everyone(moved(page_of("registered"))),
        ),
        #                                                                                  anonymous  owner  other    moderator  editor   admin
        Case(variant="registered", route=E + "<int:pk>/<slug:slug>/", url=page_of("registered"), get=everyone(PAGE)),
        Case(variant="draft", route=E + "<int:pk>/<slug:slug>/", url=page_of("draft"), get=row(    MISSING,   PAGE,  MISSING,  MISSING,   MISSING, MISSING)),
        Case(variant="hidden", route=E + "<int:pk>/<slug:slug>/", url=page_of("hidden"), get=row(  MISSING,   PAGE,  MISSING,  PAGE,      MISSING, PAGE)),
    ],
    "forum:experiment_plan_json": [
        Case(variant="registered", url=url("forum:experiment_plan_json", pk=pk("registered")), get=everyone(PAGE)),
        Case(variant="draft", url=url("forum:experiment_plan_json", pk=pk("draft")), get=everyone(MISSING)),
        Case(
            variant="hidden",
            url=url("forum:experiment_plan_json", pk=pk("hidden")),
            get=row(MISSING, PAGE, MISSING, PAGE, MISSING, PAGE),
        ),
    ],
    # Drafts: the author's alone, a 404 for everyone else (moderators included).
    "forum:experiment_edit": [
        Case(
            variant="draft",
            url=url("forum:experiment_edit", pk=pk("draft")),
            get=owner_only(PAGE),
            post=owner_only(done(url("forum:experiment_edit", pk=pk("draft")))),
            data=plan_data,
        ),
        # A registered plan is never edited, by its author or anyone else.
        Case(
            variant="registered",
            url=url("forum:experiment_edit", pk=pk("registered")),
            get=owner_only(TO_PLAN, TO_PLAN),
            post=owner_only(TO_PLAN, TO_PLAN),
            data=plan_data,
        ),
    ],
    "forum:experiment_delete": [
        Case(
            variant="draft",
            url=url("forum:experiment_delete", pk=pk("draft")),
            get=owner_only(PAGE),
            post=owner_only(done(path_of("forum:my_experiments"))),
        ),
        Case(
            variant="registered",
            url=url("forum:experiment_delete", pk=pk("registered")),
            get=owner_only(TO_PLAN, TO_PLAN),
            post=owner_only(TO_PLAN, TO_PLAN),
        ),
    ],
    "forum:experiment_register": [
        Case(
            variant="draft",
            url=url("forum:experiment_register", pk=pk("draft")),
            get=owner_only(PAGE),
            post=owner_only(done(page_of("draft"))),
            data=lambda w: dict(ATTESTED),
        ),
        Case(
            variant="registered",
            url=url("forum:experiment_register", pk=pk("registered")),
            get=owner_only(TO_PLAN, TO_PLAN),
            post=owner_only(TO_PLAN, TO_PLAN),
            data=lambda w: dict(ATTESTED),
        ),
    ],
    "forum:experiment_amend": [
        Case(
            url=url("forum:experiment_amend", pk=pk("registered")),
            get=owner_only(PAGE, TO_PLAN),
            post=owner_only(done(page_of("registered")), TO_PLAN),
            data=lambda w: {
                "field": "aim",
                "new_text": "Find out whether a short call cuts cancellations.",
                "reason": "The call replaced the meeting.",
                **ATTESTED,
            },
        ),
    ],
    "forum:experiment_results": [
        Case(
            url=url("forum:experiment_results", pk=pk("registered")),
            get=owner_only(PAGE, TO_PLAN),
            post=owner_only(done(page_of("registered")), TO_PLAN),
            data=results_data,
        ),
    ],
    "forum:experiment_withdraw": [
        Case(
            url=url("forum:experiment_withdraw", pk=pk("registered")),
            get=owner_only(PAGE, TO_PLAN),
            post=owner_only(done(page_of("registered")), TO_PLAN),
            data=lambda w: {"reason": "The team was restructured.", **ATTESTED},
        ),
    ],
    "forum:experiment_replicate": [
        # "I'll try this too" is for anyone signed in but the author (forum/README.md);
        # the author starts the next cycle instead.
        Case(
            url=url("forum:experiment_replicate", pk=pk("registered")),
            get=signed_in(NOT_ALLOWED),
            post=row(LOGIN, TO_PLAN, *(done(new_draft_edit_page),) * 4),
        ),
    ],
    "forum:experiment_follow_up": [
        Case(
            url=url("forum:experiment_follow_up", pk=pk("registered")),
            get=signed_in(NOT_ALLOWED),
            post=owner_only(done(new_draft_edit_page), TO_PLAN),
        ),
    ],
    "forum:experiment_redact": [
        Case(
            url=url("forum:experiment_redact", pk=pk("registered")),
            get=moderators_only(PAGE),
            post=moderators_only(done(page_of("registered"))),
            data=lambda w: {"field": "aim", "reason": "It names a school."},
        ),
    ],
    "forum:reply_edit": [
        Case(
            url=url("forum:reply_edit", pk=pk("reply")),
            get=owner_only(PAGE),
            post=owner_only(done(reply_page)),
            data=lambda w: {"comment": "Did you count visits that moved?", **ATTESTED},
        ),
    ],
    # The link in an e-mail is the key, whoever follows it; it only ever stops e-mail
    # to the person it was sent to.
    "forum:discussion_mute": [
        Case(
            variant="owner's link",
            url=url("forum:discussion_mute", token=lambda w: w.mute_token),
            get=everyone(PAGE),
            post=everyone(done(status=200)),
        ),
        Case(
            variant="altered link",
            url=url("forum:discussion_mute", token=lambda w: w.mute_token[:-3] + "abc"),
            get=everyone(MISSING),
            post=everyone(MISSING),
        ),
    ],
    "comments-post-comment": [
        Case(
            variant="registered",
            url=url("comments-post-comment"),
            get=signed_in(NOT_ALLOWED),
            post=signed_in(done()),
            data=reply_data("registered"),
        ),
        # Nobody replies under a hidden experiment, moderators included.
        Case(
            variant="hidden experiment",
            url=url("comments-post-comment"),
            get=signed_in(NOT_ALLOWED),
            post=owner_only(TO_HIDDEN),
            data=reply_data("hidden"),
        ),
    ],
    "comments-comment-done": [
        Case(url=lambda w: reverse("comments-comment-done") + f"?c={w.reply.pk}", get=everyone(redirect(reply_page))),
    ],

    # --- critique -----------------------------------------------------------------------
    "critique:queue": [Case(url=url("critique:queue"), get=everyone(PAGE))],
    "critique:mine": [Case(url=url("critique:mine"), get=signed_in(PAGE))],
    "critique:learning_record": [Case(url=url("critique:learning_record"), get=signed_in(PAGE))],
    # Not the author, and not moderators, who judge critiques (the superuser is a
    # moderator too).
    "critique:critique_new": [
        Case(
            variant="registered",
            url=url("critique:critique_new", experiment_pk=pk("registered")),
            #         anonymous  owner    other    moderator  editor   admin
            get=row(  LOGIN,     TO_PLAN, PAGE,    TO_PLAN,   PAGE,    TO_PLAN),
            post=row( LOGIN,     TO_PLAN, done(),  TO_PLAN,   done(),  TO_PLAN),
            data=critique_draft_data,
        ),
        Case(
            variant="draft",
            url=url("critique:critique_new", experiment_pk=pk("draft")),
            get=owner_only(TO_DRAFT),
        ),
        # A hidden experiment is a 404 for everyone but its author and moderators.
        Case(
            variant="hidden",
            url=url("critique:critique_new", experiment_pk=pk("hidden")),
            #         anonymous  owner      other    moderator  editor   admin
            get=row(  LOGIN,     TO_HIDDEN, MISSING, TO_HIDDEN, MISSING, TO_HIDDEN),
            post=row( LOGIN,     TO_HIDDEN, MISSING, TO_HIDDEN, MISSING, TO_HIDDEN),
            data=critique_draft_data,
        ),
    ],
    # Here the owner is the experiment's author.
    "critique:request": [
        Case(
            url=url("critique:request", experiment_pk=pk("registered")),
            get=owner_only(PAGE, TO_PLAN),
            post=owner_only(done(page_of("registered")), TO_PLAN),
            data=lambda w: {"usernames": w.third.username, "message": "Would you?"},
        ),
    ],
    # From here on the owner is the reviewer: the person asked, or who wrote the critique.
    "critique:request_decline": [
        Case(
            url=url("critique:request_decline", pk=pk("request_to_owner")),
            get=signed_in(NOT_ALLOWED),
            post=owner_only(done(path_of("critique:mine"))),
        ),
    ],
    "critique:critique_edit": [
        Case(
            variant="draft",
            url=url("critique:critique_edit", pk=pk("own_draft_critique")),
            get=owner_only(PAGE),
            post=owner_only(done(url("critique:critique_edit", pk=pk("own_draft_critique")))),
            data=critique_draft_data,
        ),
        # A submitted critique is never edited, even by its reviewer.
        Case(
            variant="submitted",
            url=url("critique:critique_edit", pk=pk("own_critique")),
            get=owner_only(TO_OWN_CRITIQUE),
            post=owner_only(TO_OWN_CRITIQUE),
            data=critique_draft_data,
        ),
    ],
    "critique:critique_discard": [
        Case(
            url=url("critique:critique_discard", pk=pk("own_draft_critique")),
            get=owner_only(PAGE),
            post=owner_only(done(page_of("others_second_experiment"))),
        ),
    ],
    "critique:critique_withdraw": [
        Case(
            url=url("critique:critique_withdraw", pk=pk("own_critique")),
            get=owner_only(PAGE),
            post=owner_only(done(page_of("own_critique"))),
            data=reason("I misread the baseline."),
        ),
    ],
    # The owner is the experiment's author again, answering someone's critique.
    "critique:critique_respond": [
        Case(
            url=url("critique:critique_respond", pk=pk("critique_of_own")),
            get=owner_only(PAGE, TO_CRITIQUE_OF_OWN),
            post=owner_only(done(page_of("critique_of_own")), TO_CRITIQUE_OF_OWN),
            data=answers_data,
        ),
    ],
    "critique:critique_acknowledge": [
        Case(
            url=url("critique:critique_acknowledge", pk=pk("answered_own_critique")),
            get=signed_in(NOT_ALLOWED),
            post=owner_only(done(page_of("answered_own_critique")), TO_ANSWERED),
        ),
    ],
    # Anyone signed in but the reviewer.
    "critique:critique_helpful": [
        Case(
            url=url("critique:critique_helpful", pk=pk("own_critique")),
            get=signed_in(NOT_ALLOWED),
            post=row(LOGIN, TO_OWN_CRITIQUE, *(done(page_of("own_critique")),) * 4),
            data=lambda w: {"action": "mark"},
        ),
        # A hidden critique: only its reviewer and moderators see it, and nobody marks it.
        Case(
            variant="hidden critique",
            url=url("critique:critique_helpful", pk=pk("hidden_critique")),
            get=signed_in(NOT_ALLOWED),
            #         anonymous  owner               other    moderator           editor   admin
            post=row( LOGIN,     TO_HIDDEN_CRITIQUE, MISSING, TO_HIDDEN_CRITIQUE, MISSING, TO_HIDDEN_CRITIQUE),
            data=lambda w: {"action": "mark"},
        ),
    ],

    # --- notifications ------------------------------------------------------------------
    "notifications:list": [Case(url=url("notifications:list"), get=signed_in(PAGE))],
    # Only the owner has an unread notification, and nobody else's may change.
    "notifications:mark_all_read": [
        Case(
            url=with_unread_notification,
            get=signed_in(NOT_ALLOWED),
            post=row(
                LOGIN,
                done(path_of("notifications:list")),
                *(redirect(path_of("notifications:list")),) * 4,
            ),
        ),
    ],
    "notifications:preferences": [
        Case(
            url=url("notifications:preferences"),
            get=signed_in(PAGE),
            post=signed_in(done(path_of("notifications:preferences"))),
            data=lambda w: {"kinds": [Kind.CRITIQUE_RECEIVED]},
        ),
    ],
    # As with muting a discussion, the signed link is the key.
    "notifications:unsubscribe": [
        Case(
            variant="owner's link",
            url=url("notifications:unsubscribe", token=lambda w: w.unsubscribe_token),
            get=everyone(PAGE),
            post=everyone(done(status=200)),
        ),
        Case(
            variant="altered link",
            url=url("notifications:unsubscribe", token=lambda w: w.unsubscribe_token[:-3] + "abc"),
            get=everyone(MISSING),
            post=everyone(MISSING),
        ),
    ],
    "notifications:open": [
        Case(
            url=url("notifications:open", pk=pk("notification")),
            get=owner_only(done(lambda w: w.notification.target_url())),
        ),
    ],

    # --- safeguarding -------------------------------------------------------------------
    "safeguarding:check": [
        Case(
            url=url("safeguarding:check"),
            get=signed_in(NOT_ALLOWED),
            post=signed_in(PAGE),
            data=lambda w: {"text": "We met after school on a Tuesday."},
        ),
    ],

    # --- moderation ---------------------------------------------------------------------
    "moderation:queue": [Case(url=url("moderation:queue"), get=moderators_only(PAGE))],
    "moderation:audit": [
        Case(url=url("moderation:audit"), get=row(LOGIN, MISSING, MISSING, MISSING, MISSING, PAGE)),
    ],
    "moderation:report": [
        Case(
            variant="registered experiment",
            url=url("moderation:report", kind=lambda w: "experiment", pk=pk("registered")),
            get=signed_in(PAGE),
            post=signed_in(done(page_of("registered"))),
            data=lambda w: dict(REPORT),
        ),
        # Drafts are nobody's business; a hidden post is reported only by its author.
        Case(
            variant="draft experiment",
            url=url("moderation:report", kind=lambda w: "experiment", pk=pk("draft")),
            get=signed_in(MISSING),
            post=signed_in(MISSING),
            data=lambda w: dict(REPORT),
        ),
        Case(
            variant="hidden experiment",
            url=url("moderation:report", kind=lambda w: "experiment", pk=pk("hidden")),
            get=owner_only(PAGE),
            post=owner_only(done(page_of("hidden"))),
            data=lambda w: dict(REPORT),
        ),
        Case(variant="reply", url=url("moderation:report", kind=lambda w: "reply", pk=pk("reply")), get=signed_in(PAGE)),
        Case(
            variant="critique",
            url=url("moderation:report", kind=lambda w: "critique", pk=pk("own_critique")),
            get=signed_in(PAGE),
        ),
        Case(variant="no such kind", url=url("moderation:report", kind=lambda w: "user", pk=pk("owner")), get=signed_in(MISSING)),
    ],
    "moderation:item": [
        Case(variant="experiment", url=url("moderation:item", kind=lambda w: "experiment", pk=pk("registered")), get=moderators_only(PAGE)),
        Case(variant="amendment", url=url("moderation:item", kind=lambda w: "amendment", pk=pk("amendment")), get=moderators_only(PAGE)),
        Case(variant="reply", url=url("moderation:item", kind=lambda w: "reply", pk=pk("reply")), get=moderators_only(PAGE)),
        Case(variant="critique", url=url("moderation:item", kind=lambda w: "critique", pk=pk("own_critique")), get=moderators_only(PAGE)),
        Case(variant="no such kind", url=url("moderation:item", kind=lambda w: "user", pk=pk("owner")), get=signed_in(MISSING)),
        # Drafts are private to their author (forum/README.md: "a draft ... only for its
        # author"; critique/README.md: drafts are the reviewer's alone). Nobody can
        # report one, so there is nothing to moderate.
        Case(
            variant="draft experiment",
            url=url("moderation:item", kind=lambda w: "experiment", pk=pk("draft")),
            get=signed_in(MISSING),
        ),
        Case(
            variant="draft critique",
            url=url("moderation:item", kind=lambda w: "critique", pk=pk("own_draft_critique")),
            get=signed_in(MISSING),
        ),
    ],
    "moderation:act": [
        Case(
            variant="hide experiment",
            url=moderation_act("experiment", "registered", "hide"),
            get=moderators_only(PAGE),
            post=moderators_only(done(item_of("experiment", "registered"))),
            data=reason("It names a school."),
        ),
        Case(
            variant="redact experiment",
            url=moderation_act("experiment", "registered", "redact"),
            get=moderators_only(PAGE),
            post=moderators_only(done(item_of("experiment", "registered"))),
            data=lambda w: {"field": "aim", "reason": "It names a school.", "confirm": "on"},
        ),
        Case(
            variant="lock discussion",
            url=moderation_act("experiment", "registered", "lock"),
            get=moderators_only(PAGE),
            post=moderators_only(done(item_of("experiment", "registered"))),
            data=reason(),
        ),
        Case(
            variant="unlock discussion",
            url=moderation_act("experiment", "locked", "unlock"),
            get=moderators_only(PAGE),
            post=moderators_only(done(item_of("experiment", "locked"))),
            data=reason(),
        ),
        Case(
            variant="approve held reply",
            url=moderation_act("reply", "held_reply", "approve"),
            get=moderators_only(PAGE),
            post=moderators_only(done(item_of("reply", "held_reply"))),
            data=reason(),
        ),
        Case(
            variant="unhide critique",
            url=moderation_act("critique", "hidden_critique", "unhide"),
            get=moderators_only(PAGE),
            post=moderators_only(done(item_of("critique", "hidden_critique"))),
            data=reason(),
        ),
        Case(
            variant="dismiss reports on amendment",
            url=moderation_act("amendment", "reported_amendment", "dismiss"),
            get=moderators_only(PAGE),
            post=moderators_only(done(item_of("amendment", "reported_amendment"))),
            data=reason(),
        ),
        Case(
            variant="hide draft experiment",
            url=moderation_act("experiment", "draft", "hide"),
            get=signed_in(MISSING),
            post=signed_in(MISSING),
            data=reason("It names a school."),
        ),
        # Only experiments have a discussion to lock; unknown actions do not exist.
        Case(
            variant="lock a reply",
            url=moderation_act("reply", "reply", "lock"),
            get=signed_in(MISSING),
            post=signed_in(MISSING),
            data=reason(),
        ),
        Case(
            variant="no such action",
            url=moderation_act("experiment", "registered", "delete"),
            get=signed_in(MISSING),
            post=signed_in(MISSING),
            data=reason(),
        ),
    ],
    # The owner here is the person acted on.
    "moderation:person_act": [
        Case(
            variant="suspend",
            url=url("moderation:person_act", pk=pk("owner"), action=lambda w: "suspend"),
            get=moderators_only(PAGE),
            post=moderators_only(done(path_of("moderation:queue"))),
            data=lambda w: {"reason": "Repeated abuse.", "confirm": "on"},
        ),
        # Only an administrator can suspend a moderator (moderation/README.md).
        Case(
            variant="suspend a moderator",
            url=url("moderation:person_act", pk=pk("second_moderator"), action=lambda w: "suspend"),
            get=moderators_only(PAGE),
            #         anonymous  owner    other    moderator  editor   admin
            post=row( LOGIN,     MISSING, MISSING, TO_QUEUE,  MISSING, done(path_of("moderation:queue"))),
            data=lambda w: {"reason": "Repeated abuse.", "confirm": "on"},
        ),
        # A suspended owner cannot sign in at all.
        Case(
            variant="reinstate",
            url=url("moderation:person_act", pk=pk("suspended_owner"), action=lambda w: "reinstate"),
            #         anonymous  owner  other    moderator                          editor   admin
            get=row(  LOGIN,     LOGIN, MISSING, PAGE,                              MISSING, PAGE),
            post=row( LOGIN,     LOGIN, MISSING, done(path_of("moderation:queue")), MISSING, done(path_of("moderation:queue"))),
            data=reason("Appeal upheld."),
        ),
        Case(
            variant="no such action",
            url=url("moderation:person_act", pk=pk("owner"), action=lambda w: "delete"),
            get=signed_in(MISSING),
            post=signed_in(MISSING),
            data=reason(),
        ),
    ],

    # --- search -------------------------------------------------------------------------
    "search:search": [Case(url=url("search:search"), get=everyone(PAGE))],
    "search:autocomplete": [Case(url=url("search:autocomplete"), get=everyone(PAGE))],
}
# fmt: on
