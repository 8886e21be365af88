"""Known script-injection payloads, sent through every text people write, never come
back as executable markup on any page, feed or JSON response."""

import json
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest

from django.conf import settings
from django.urls import reverse

from critique import services as critique_services
from forum import services as forum_services
from forum.models import Reply
from tests.accounts.factories import PASSWORD, UserFactory
from tests.critique.factories import all_scores
from tests.forum.factories import RESULTS, registered

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "<scr<script>ipt>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)"//',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mi xlink:href='javascript:alert(1)'>x</mi></math>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<object data=javascript:alert(1)></object>",
    "<embed src=javascript:alert(1)>",
    "<details open ontoggle=alert(1)>x</details>",
    "<body onload=alert(1)>",
    "<style>@import 'https://evil.example/x.css';</style>",
    "<form action=javascript:alert(1)><button>go</button></form>",
    '<a href=" javascript:alert(1)">x</a>',
    "<a href='data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='>x</a>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click]( javascript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "![pic](javascript:alert(1))",
    '![pic](x" onerror="alert(1))',
    "<javascript:alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "javascript:alert(1)",
]
OUR_SCRIPTS = "/static/"
SVG_WE_DRAW = {"profile-chart"}
NEVER = {"iframe", "object", "embed", "style", "math", "img", "base", "meta", "link"}


class PageCheck(HTMLParser):
    """What a browser could run: script not from our static files, event handlers,
    script URLs, and elements we never render from user text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.in_head = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "head":
            self.in_head = True
        if tag == "script" and not (attributes.get("src") or "").startswith(
            OUR_SCRIPTS
        ):
            self.found.append("<script> without our src")
        if tag == "svg" and attributes.get("class") not in SVG_WE_DRAW:
            self.found.append("<svg> we did not draw")
        if tag in NEVER and not (self.in_head and tag in {"meta", "link"}):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            if name in {"href", "src", "action", "formaction", "xlink:href", "data"}:
                scheme = "".join((value or "").split()).lower()
                if scheme.startswith(("javascript:", "vbscript:", "data:")):
                    self.found.append(f"{tag}[{name}={value}]")

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False


def unsafe(html: str) -> list[str]:
    check = PageCheck()
    check.feed(html)
    check.close()  # an unterminated tag at the end still counts
    return check.found


def payload(index: int) -> str:
    return f"Note {index}: {PAYLOADS[index % len(PAYLOADS)]}"


@pytest.fixture
def everything(django_capture_on_commit_callbacks, search_index):
    """An experiment, its results, an amendment, a reply and a critique with an answer,
    every text field carrying a payload (each payload in several fields)."""
    author = UserFactory(
        username="author", roles=["practitioner"], bio=payload(0), display_name="A"
    )
    reviewer = UserFactory(username="reviewer", roles=["practitioner"])
    plan_text = {
        name: payload(n)
        for n, name in enumerate(
            [
                "title",
                "aim",
                "hypothesis_change",
                "hypothesis_who",
                "hypothesis_outcome",
                "hypothesis_mechanism",
                "outside_reference",
                "what_i_will_try",
                "dose",
                "frequency",
                "duration",
                "measure",
                "measure_when",
                "measure_who",
                "prediction",
                "success_threshold",
                "baseline",
                "child_voice",
            ]
        )
    }
    with django_capture_on_commit_callbacks(execute=True):
        experiment = registered(author=author, **plan_text)
        forum_services.experiment_amend(
            experiment=experiment,
            by=author,
            field="measure",
            new_text=payload(20),
            reason=payload(21),
        )
        results = {
            name: (payload(30 + n) if name in text_results else value)
            for n, (name, value) in enumerate(RESULTS.items())
        }
        experiment = forum_services.experiment_post_results(
            experiment=experiment, by=author, data=results
        )
        for n in range(len(PAYLOADS)):
            Reply(
                content_object=experiment,
                site_id=settings.SITE_ID,
                user=reviewer,
                user_name=reviewer.public_name,
                user_email=reviewer.email,
                comment=payload(n),
            ).save()
        critique = critique_services.critique_start(experiment=experiment, by=reviewer)
        critique_services.critique_save(
            critique=critique,
            by=reviewer,
            data={
                "strengths": payload(3),
                "other_explanations": payload(17),
                "suggestions": payload(18),
                "missed_evidence": payload(22),
                "conflict_statement": payload(23),
                "certainty": "low",
                "recommendation": "adapt",
                "expertise": "researcher",
            },
            scores=all_scores(2),
            concerns=[payload(n) for n in range(4, 8)],
            questions=[payload(n) for n in range(24, 27)],
        )
        critique = critique_services.critique_submit(critique=critique, by=reviewer)
        critique_services.critique_respond(
            critique=critique,
            by=author,
            answers={
                point.pk: ("disagree", payload(n))
                for n, point in enumerate(critique.points.all())
            },
        )
    return {"experiment": experiment, "author": author, "reviewer": reviewer}


text_results = {
    "actual_practice",
    "deviations",
    "what_happened",
    "family_voice",
    "reflection",
    "next_step",
    "advice",
}


def pages(experiment, author) -> list[str]:
    return [
        experiment.get_absolute_url(),
        reverse("forum:experiment_list"),
        reverse("forum:feed"),
        reverse("critique:queue"),
        reverse("critique:mine"),
        reverse("critique:learning_record"),
        reverse("notifications:list"),
        author.get_absolute_url(),
        reverse("search:search") + "?q=alert",
        reverse("search:search") + "?q=" + "<script>alert(1)</script>",
    ]


@pytest.mark.parametrize("who", ["author", "reviewer"])
def test_no_payload_comes_back_executable(client, everything, who):
    client.login(username=who, password=PASSWORD)
    experiment, author = everything["experiment"], everything["author"]
    for url in pages(experiment, author):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        if response["Content-Type"].startswith("application/atom+xml"):
            # Readers show type="text" as it is and render type="html" as HTML.
            texts = [
                e.text or ""
                for e in ElementTree.fromstring(body).iter()  # noqa: S314 - our own feed
                if e.get("type") == "html"
            ]
            assert [t for t in texts if unsafe(t)] == [], url
        else:
            assert unsafe(body) == [], url


def test_payloads_arrive_as_text(client, everything):
    """The check above must not pass because nothing was shown: the words are there."""
    body = client.get(everything["experiment"].get_absolute_url()).content.decode()
    assert "Note 1:" in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_json_responses_stay_data(client, everything):
    experiment = everything["experiment"]
    plan = client.get(reverse("forum:experiment_plan_json", args=[experiment.pk]))
    assert plan["Content-Type"].startswith("application/json")
    assert json.loads(plan.content)["plan"]["title"] == payload(0)
    suggestions = client.get(reverse("search:autocomplete"), {"q": "Note"})
    assert suggestions["Content-Type"].startswith("application/json")
    assert "<script>" not in suggestions.content.decode().replace("\\u003c", "<") or (
        suggestions.headers.get("X-Content-Type-Options") == "nosniff"
    )


# "<scr<script>ipt>" is a tag named "scr<script" to a browser, not a script; the
# entity-encoded and plain-text payloads are only dangerous once decoded or linked.
RAW_HTML = [p for p in PAYLOADS if p.startswith(("<", '"')) and "<scr<" not in p]
RAW_HTML.remove("<javascript:alert(1)>")


@pytest.mark.parametrize("raw", RAW_HTML)
def test_the_check_would_catch_each_payload_left_raw(raw):
    # Followed by more page, as it would be: an unclosed tag swallows the next one.
    assert unsafe(raw + "<p>More of the page</p>"), raw
