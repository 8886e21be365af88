"""Who may open and use each critique and notification page: the permission matrix.

One row per page and method, one column per person. Every page in the critique and
notification URLconfs must have its rows here, so a new page cannot go unchecked.

What each cell means, as the person would notice it:

PAGE      the page opens (200) and nothing is stored.
LOGIN     they are sent to the sign-in page, which brings them back afterwards.
MISSING   "not found" (404): the page does not admit the thing exists for them.
NOT_ALLOWED  the method is refused (405), e.g. a GET on a button-only action.
DONE      the action happens; the case's own check says what they see and what changed.
Refused   they are sent back with a message saying why, and nothing changes.

For everything except DONE, the database rows the pages can change and the e-mail
outbox are compared before and after: nothing may have changed.
"""

from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

import pytest

from django.core import mail
from django.urls import reverse

from critique import services as critique_services
from critique.models import (
    CriterionScore,
    Critique,
    CritiquePoint,
    CritiqueRequest,
    HelpfulMark,
)
from critique.rubric import current_version
from critique.urls import urlpatterns as critique_urlpatterns
from forum.models import Experiment
from moderation.models import Report
from notifications.models import EmailOptOut, Kind, Notification
from notifications.services import unsubscribe_token
from notifications.urls import urlpatterns as notification_urlpatterns
from tests.accounts.factories import PASSWORD, UserFactory
from tests.critique.factories import draft_critique, submitted_critique
from tests.forum.factories import registered

pytestmark = pytest.mark.django_db

ACTORS = ("anonymous", "author", "reviewer", "other", "moderator", "editor")


# ---------------------------------------------------------------------------
# The people and things the pages act on.


@dataclass
class World:
    people: dict[str, Any]
    experiment: Experiment  # registered by the author, critiqued by the reviewer
    critique: Critique  # submitted; the author has answered its first concern
    second_experiment: Experiment  # the author asked the reviewer to critique it
    critique_request: CritiqueRequest  # that request, still open
    draft: Critique  # the reviewer's draft critique of the second experiment
    notification: Notification  # the author's "critique received" notification

    def user(self, actor: str):
        return self.people[actor]


@pytest.fixture
def world(practitioner, other_practitioner, moderator, editor, search_index):
    author = practitioner
    reviewer = UserFactory(
        username="robin", display_name="Robin (DEMO)", roles=["practitioner"]
    )
    experiment = registered(author=author, title="Agreeing the purpose of visits")
    critique = submitted_critique(experiment, reviewer)
    first_concern = critique.points.get(kind="concern", position=1)
    critique_services.critique_respond(
        critique=critique,
        by=author,
        answers={first_concern.pk: ("addressed", "A second rater now counts too.")},
    )
    second = registered(author=author, title="Meeting parents before reviews")
    [critique_request] = critique_services.critique_request(
        experiment=second, by=author, reviewers=[reviewer], message="Would you?"
    )
    draft = draft_critique(second, reviewer)
    return World(
        people={
            "anonymous": None,
            "author": author,
            "reviewer": reviewer,
            "other": other_practitioner,
            "moderator": moderator,
            "editor": editor,
        },
        experiment=experiment,
        critique=critique,
        second_experiment=second,
        critique_request=critique_request,
        draft=draft,
        notification=Notification.objects.get(
            recipient=author, kind=Kind.CRITIQUE_RECEIVED
        ),
    )


# ---------------------------------------------------------------------------
# Reading what changed and what the person sees.

WATCHED = (
    Experiment,
    Critique,
    CriterionScore,
    CritiquePoint,
    HelpfulMark,
    CritiqueRequest,
    Notification,
    EmailOptOut,
    Report,
)


def snapshot() -> dict[str, list[dict]]:
    """Every row the critique and notification pages could change."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in WATCHED
    }


class _Messages(HTMLParser):
    """The flash messages at the top of a page, as (level, text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []
        self._level: str | None = None

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "p" and "message" in classes:
            level = next((c for c in classes if c.startswith("message--")), "")
            self._level = level.removeprefix("message--")
            self.found.append((self._level, ""))

    def handle_endtag(self, tag):
        if tag == "p":
            self._level = None

    def handle_data(self, data):
        if self._level is not None:
            level, text = self.found[-1]
            self.found[-1] = (level, text + data)


def messages_on(html: str) -> list[tuple[str, str]]:
    parser = _Messages()
    parser.feed(html)
    return [(level, " ".join(text.split())) for level, text in parser.found]


def mailed() -> list[tuple[str, str]]:
    """(recipient, subject) of each e-mail sent."""
    return [(", ".join(message.to), message.subject) for message in mail.outbox]


# ---------------------------------------------------------------------------
# What happens when an action is allowed: one check per page.


def started_critique(w: World, actor: str, response, before) -> None:
    critique = Critique.objects.get(experiment=w.experiment, reviewer=w.user(actor))
    assert critique.state == "submitted"
    assert response.url == critique.get_absolute_url()
    assert mailed() == [
        (w.user("author").email, f"New critique of “{w.experiment.title}”")
    ]


def asked_for_critique(w: World, actor: str, response, before) -> None:
    asked = CritiqueRequest.objects.get(
        experiment=w.experiment, reviewer=w.user("other")
    )
    assert asked.state == "open"
    assert asked.requested_by == w.user("author")
    assert response.url == w.experiment.get_absolute_url()
    assert mailed() == [
        (w.user("other").email, f"Would you critique “{w.experiment.title}”?")
    ]


def declined_request(w: World, actor: str, response, before) -> None:
    w.critique_request.refresh_from_db()
    assert w.critique_request.state == "declined"
    assert response.url == reverse("critique:mine")
    assert mailed() == []


def saved_draft(w: World, actor: str, response, before) -> None:
    w.draft.refresh_from_db()
    assert w.draft.state == "draft"
    assert w.draft.strengths == "Clear about what was tried, and with whom."
    assert response.url == w.draft.get_edit_url()
    assert mailed() == []


def discarded_draft(w: World, actor: str, response, before) -> None:
    assert not Critique.objects.filter(pk=w.draft.pk).exists()
    assert response.url == w.second_experiment.get_absolute_url()
    assert mailed() == []


def withdrew_critique(w: World, actor: str, response, before) -> None:
    w.critique.refresh_from_db()
    assert w.critique.state == "withdrawn"
    assert w.critique.withdrawal_reason == "I misread the baseline."
    assert response.url == w.critique.get_absolute_url()
    assert mailed() == []


def answered_points(w: World, actor: str, response, before) -> None:
    assert set(w.critique.points.values_list("status", "reply")) == {
        ("disagree", "The rater was independent of the family.")
    }
    assert response.url == w.critique.get_absolute_url()
    assert mailed() == [
        (
            w.user("reviewer").email,
            f"The author answered your critique of “{w.experiment.title}”",
        )
    ]


def acknowledged_answers(w: World, actor: str, response, before) -> None:
    answered = w.critique.points.exclude(status="")
    assert answered.count() == 1
    assert answered.filter(acknowledged_at__isnull=False).count() == 1
    assert response.url == w.critique.get_absolute_url()
    assert mailed() == [
        (
            w.user("author").email,
            f"A reviewer acknowledged your answers on “{w.experiment.title}”",
        )
    ]


def marked_helpful(w: World, actor: str, response, before) -> None:
    assert HelpfulMark.objects.filter(critique=w.critique, user=w.user(actor)).exists()
    w.critique.refresh_from_db()
    assert w.critique.helpful_count == 1
    assert response.url == w.critique.get_absolute_url()
    assert mailed() == []


def marked_all_read(w: World, actor: str, response, before) -> None:
    mine = Notification.objects.filter(recipient=w.user(actor))
    assert not mine.filter(read_at__isnull=True).exists()
    others_before = [
        row
        for row in before["notifications.Notification"]
        if row["recipient_id"] != w.user(actor).pk
    ]
    others_now = list(
        Notification.objects.exclude(recipient=w.user(actor)).order_by("pk").values()
    )
    assert others_now == others_before, "someone else's notifications were touched"
    assert response.url == reverse("notifications:list")
    assert mailed() == []


def saved_preferences(w: World, actor: str, response, before) -> None:
    turned_off = set(EmailOptOut.objects.values_list("user__username", "kind"))
    assert turned_off == {
        (w.user(actor).username, kind)
        for kind in Kind.values
        if kind != Kind.CRITIQUE_RECEIVED
    }
    assert response.url == reverse("notifications:preferences")
    assert mailed() == []


def unsubscribed_reviewer(w: World, actor: str, response, before) -> None:
    # The link is the key, whoever follows it: it only ever turns e-mail off for
    # the person it was sent to.
    assert response.status_code == 200
    assert "You will get no more of these e-mails" in response.content.decode()
    assert set(EmailOptOut.objects.values_list("user__username", "kind")) == {
        (w.user("reviewer").username, Kind.RESPONSE_RECEIVED)
    }
    assert mailed() == []


def opened_notification(w: World, actor: str, response, before) -> None:
    w.notification.refresh_from_db()
    assert w.notification.read_at is not None
    assert response.url == (
        w.experiment.get_absolute_url() + f"#critique-{w.critique.pk}"
    )
    assert mailed() == []


# ---------------------------------------------------------------------------
# The pages: where each one is, what is posted to it, what "done" means.


def critique_form_data(w: World, *, action: str, **extra) -> dict:
    """The critique form as a person fills it in: every criterion scored 3."""
    version = current_version()
    data = {
        "rubric_version": version.pk,
        "strengths": "The baseline was recorded before starting.",
        "main_concerns": "Only one rater.\n\nShort follow-up period.",
        "questions": "How were moved sessions counted?",
        "certainty": "low",
        "recommendation": "adapt",
        "expertise": "practitioner",
        "action": action,
        "identifiability_attested": "on",
    }
    for criterion in version.criteria.all():
        data[f"score_{criterion.pk}"] = "3"
        data[f"comment_{criterion.pk}"] = ""
    data.update(extra)
    return data


def answer_every_point(w: World) -> dict:
    data = {}
    for point in w.critique.points.all():
        data[f"status_{point.pk}"] = "disagree"
        data[f"reply_{point.pk}"] = "The rater was independent of the family."
    data["identifiability_attested"] = "on"
    return data


@dataclass(frozen=True)
class Case:
    url_name: str
    kwargs: Any = lambda w: {}
    data: Any = lambda w: {}
    done: Any = None  # the check for a DONE cell


CASES = {
    "queue": Case("critique:queue"),
    "mine": Case("critique:mine"),
    "learning record": Case("critique:learning_record"),
    "start a critique": Case(
        "critique:critique_new",
        kwargs=lambda w: {"experiment_pk": w.experiment.pk},
        data=lambda w: critique_form_data(w, action="submit"),
        done=started_critique,
    ),
    "ask for a critique": Case(
        "critique:request",
        kwargs=lambda w: {"experiment_pk": w.experiment.pk},
        data=lambda w: {
            "usernames": w.user("other").username,
            "message": "Would you look at the measure?",
        },
        done=asked_for_critique,
    ),
    "decline a request": Case(
        "critique:request_decline",
        kwargs=lambda w: {"pk": w.critique_request.pk},
        done=declined_request,
    ),
    "edit a draft": Case(
        "critique:critique_edit",
        kwargs=lambda w: {"pk": w.draft.pk},
        data=lambda w: critique_form_data(
            w, action="save", strengths="Clear about what was tried, and with whom."
        ),
        done=saved_draft,
    ),
    "discard a draft": Case(
        "critique:critique_discard",
        kwargs=lambda w: {"pk": w.draft.pk},
        done=discarded_draft,
    ),
    "withdraw a critique": Case(
        "critique:critique_withdraw",
        kwargs=lambda w: {"pk": w.critique.pk},
        data=lambda w: {"reason": "I misread the baseline."},
        done=withdrew_critique,
    ),
    "answer a critique": Case(
        "critique:critique_respond",
        kwargs=lambda w: {"pk": w.critique.pk},
        data=answer_every_point,
        done=answered_points,
    ),
    "acknowledge answers": Case(
        "critique:critique_acknowledge",
        kwargs=lambda w: {"pk": w.critique.pk},
        done=acknowledged_answers,
    ),
    "mark helpful": Case(
        "critique:critique_helpful",
        kwargs=lambda w: {"pk": w.critique.pk},
        data=lambda w: {"action": "mark"},
        done=marked_helpful,
    ),
    "notification list": Case("notifications:list"),
    "mark all read": Case("notifications:mark_all_read", done=marked_all_read),
    "e-mail choices": Case(
        "notifications:preferences",
        data=lambda w: {"kinds": [Kind.CRITIQUE_RECEIVED]},
        done=saved_preferences,
    ),
    "unsubscribe, altered link": Case(
        "notifications:unsubscribe",
        kwargs=lambda w: {
            "token": unsubscribe_token(
                user_id=w.user("reviewer").pk, kind=Kind.RESPONSE_RECEIVED
            )[:-3]
            + "abc"
        },
    ),
    "unsubscribe, reviewer's link": Case(
        "notifications:unsubscribe",
        kwargs=lambda w: {
            "token": unsubscribe_token(
                user_id=w.user("reviewer").pk, kind=Kind.RESPONSE_RECEIVED
            )
        },
        done=unsubscribed_reviewer,
    ),
    "open the author's notification": Case(
        "notifications:open",
        kwargs=lambda w: {"pk": w.notification.pk},
        done=opened_notification,
    ),
}


# ---------------------------------------------------------------------------
# The matrix.

PAGE = "page"
LOGIN = "login"
MISSING = "missing"
NOT_ALLOWED = "not-allowed"
DONE = "done"


@dataclass(frozen=True)
class Refused:
    """Sent back with this message, and nothing changed."""

    message: str

    def __str__(self) -> str:
        return "refused"


OWN = Refused("You cannot critique your own experiment.")
MODERATES = Refused(
    "Moderators do not write critiques, so that they can judge them fairly."
)
ALREADY = Refused("You have already critiqued this experiment.")
NOT_ASKER = Refused("Only the author of a registered experiment can ask for critiques.")
NOT_ANSWERER = Refused("Only the experiment's author can answer a submitted critique.")
NOT_ACKNOWLEDGER = Refused(
    "Only the reviewer can acknowledge the answers to a submitted critique."
)
OWN_CRITIQUE = Refused("You can mark someone else's submitted critique as helpful.")

# fmt: off
MATRIX = [
    # case                             method  anonymous    author        reviewer      other         moderator     editor
    ("queue",                          "GET",  PAGE,        PAGE,         PAGE,         PAGE,         PAGE,         PAGE),
    ("queue",                          "POST", NOT_ALLOWED, NOT_ALLOWED,  NOT_ALLOWED,  NOT_ALLOWED,  NOT_ALLOWED,  NOT_ALLOWED),
    ("mine",                           "GET",  LOGIN,       PAGE,         PAGE,         PAGE,         PAGE,         PAGE),
    ("mine",                           "POST", LOGIN,       NOT_ALLOWED,  NOT_ALLOWED,  NOT_ALLOWED,  NOT_ALLOWED,  NOT_ALLOWED),
    ("learning record",                "GET",  LOGIN,       PAGE,         PAGE,         PAGE,         PAGE,         PAGE),
    ("learning record",                "POST", LOGIN,       NOT_ALLOWED,  NOT_ALLOWED,  NOT_ALLOWED,  NOT_ALLOWED,  NOT_ALLOWED),
    ("start a critique",               "GET",  LOGIN,       OWN,          ALREADY,      PAGE,         MODERATES,    PAGE),
    ("start a critique",               "POST", LOGIN,       OWN,          ALREADY,      DONE,         MODERATES,    DONE),
    ("ask for a critique",             "GET",  LOGIN,       PAGE,         NOT_ASKER,    NOT_ASKER,    NOT_ASKER,    NOT_ASKER),
    ("ask for a critique",             "POST", LOGIN,       DONE,         NOT_ASKER,    NOT_ASKER,    NOT_ASKER,    NOT_ASKER),
    ("decline a request",              "GET",  LOGIN,       NOT_ALLOWED,  NOT_ALLOWED,  NOT_ALLOWED,  NOT_ALLOWED,  NOT_ALLOWED),
    ("decline a request",              "POST", LOGIN,       MISSING,      DONE,         MISSING,      MISSING,      MISSING),
    ("edit a draft",                   "GET",  LOGIN,       MISSING,      PAGE,         MISSING,      MISSING,      MISSING),
    ("edit a draft",                   "POST", LOGIN,       MISSING,      DONE,         MISSING,      MISSING,      MISSING),
    ("discard a draft",                "GET",  LOGIN,       MISSING,      PAGE,         MISSING,      MISSING,      MISSING),
    ("discard a draft",                "POST", LOGIN,       MISSING,      DONE,         MISSING,      MISSING,      MISSING),
    ("withdraw a critique",            "GET",  LOGIN,       MISSING,      PAGE,         MISSING,      MISSING,      MISSING),
    ("withdraw a critique",            "POST", LOGIN,       MISSING,      DONE,         MISSING,      MISSING,      MISSING),
    ("answer a critique",              "GET",  LOGIN,       PAGE,         NOT_ANSWERER, NOT_ANSWERER, NOT_ANSWERER, NOT_ANSWERER),
    ("answer a critique",              "POST", LOGIN,       DONE,         NOT_ANSWERER, NOT_ANSWERER, NOT_ANSWERER, NOT_ANSWERER),
    ("acknowledge answers",            "GET",  LOGIN,       NOT_ALLOWED,  NOT_ALLOWED,  NOT_ALLOWED,  NOT_ALLOWED,  NOT_ALLOWED),
    ("acknowledge answers",            "POST", LOGIN,       NOT_ACKNOWLEDGER, DONE,     NOT_ACKNOWLEDGER, NOT_ACKNOWLEDGER, NOT_ACKNOWLEDGER),
    ("mark helpful",                   "GET",  LOGIN,       NOT_ALLOWED,  NOT_ALLOWED,  NOT_ALLOWED,  NOT_ALLOWED,  NOT_ALLOWED),
    ("mark helpful",                   "POST", LOGIN,       DONE,         OWN_CRITIQUE, DONE,         DONE,         DONE),
    ("notification list",              "GET",  LOGIN,       PAGE,         PAGE,         PAGE,         PAGE,         PAGE),
    ("notification list",              "POST", LOGIN,       NOT_ALLOWED,  NOT_ALLOWED,  NOT_ALLOWED,  NOT_ALLOWED,  NOT_ALLOWED),
    ("mark all read",                  "GET",  LOGIN,       NOT_ALLOWED,  NOT_ALLOWED,  NOT_ALLOWED,  NOT_ALLOWED,  NOT_ALLOWED),
    ("mark all read",                  "POST", LOGIN,       DONE,         DONE,         DONE,         DONE,         DONE),
    ("e-mail choices",                 "GET",  LOGIN,       PAGE,         PAGE,         PAGE,         PAGE,         PAGE),
    ("e-mail choices",                 "POST", LOGIN,       DONE,         DONE,         DONE,         DONE,         DONE),
    ("unsubscribe, altered link",      "GET",  MISSING,     MISSING,      MISSING,      MISSING,      MISSING,      MISSING),
    ("unsubscribe, altered link",      "POST", MISSING,     MISSING,      MISSING,      MISSING,      MISSING,      MISSING),
    ("unsubscribe, reviewer's link",   "GET",  PAGE,        PAGE,         PAGE,         PAGE,         PAGE,         PAGE),
    ("unsubscribe, reviewer's link",   "POST", DONE,        DONE,         DONE,         DONE,         DONE,         DONE),
    ("open the author's notification", "GET",  LOGIN,       DONE,         MISSING,      MISSING,      MISSING,      MISSING),
    ("open the author's notification", "POST", LOGIN,       NOT_ALLOWED,  NOT_ALLOWED,  NOT_ALLOWED,  NOT_ALLOWED,  NOT_ALLOWED),
]
# fmt: on


def matrix_cells():
    for case, method, *outcomes in MATRIX:
        for actor, expected in zip(ACTORS, outcomes, strict=True):
            yield pytest.param(
                case, method, actor, expected, id=f"{case}-{method}-{actor}-{expected}"
            )


@pytest.mark.parametrize(("case", "method", "actor", "expected"), list(matrix_cells()))
def test_permission_matrix(
    client, django_capture_on_commit_callbacks, world, case, method, actor, expected
):
    spec = CASES[case]
    url = reverse(spec.url_name, kwargs=spec.kwargs(world))
    if actor != "anonymous":
        assert client.login(username=world.user(actor).username, password=PASSWORD)
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, spec.data(world))

    if expected == DONE:
        spec.done(world, actor, response, before)
        return

    if expected == PAGE:
        assert response.status_code == 200
    elif expected == LOGIN:
        assert response.status_code == 302
        assert response.url == f"{reverse('account_login')}?next={quote(url)}"
    elif expected == MISSING:
        assert response.status_code == 404
    elif expected == NOT_ALLOWED:
        assert response.status_code == 405
    else:
        assert isinstance(expected, Refused)
        assert response.status_code == 302
        shown = messages_on(client.get(response.url).content.decode())
        assert any(expected.message in text for _level, text in shown), shown
    assert snapshot() == before, "something changed although it should not have"
    assert mailed() == []


# ---------------------------------------------------------------------------
# The matrix itself must keep up with the URLconfs.


def test_matrix_covers_every_critique_and_notification_page():
    in_urlconfs = sorted(
        [f"critique:{pattern.name}" for pattern in critique_urlpatterns]
        + [f"notifications:{pattern.name}" for pattern in notification_urlpatterns]
    )
    tested = sorted({CASES[case].url_name for case, *_ in MATRIX})
    assert tested == in_urlconfs


def test_every_case_has_a_get_row_and_a_post_row():
    rows = {}
    for case, method, *outcomes in MATRIX:
        assert len(outcomes) == len(ACTORS), case
        rows.setdefault(case, []).append(method)
    assert rows == {case: ["GET", "POST"] for case in CASES}


def test_every_done_cell_has_a_check():
    for case, _method, *outcomes in MATRIX:
        if DONE in outcomes:
            assert CASES[case].done is not None, case
