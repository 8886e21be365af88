"""The experiment list, its filters, sorting and pages, the Atom feeds and the home page."""

import datetime
import html
import re

import pytest
from defusedxml import ElementTree as ET

from django.utils import timezone

from evidence.models import AgeBand, Topic
from forum import services
from forum.models import Experiment
from tests.forum.factories import RESULTS, ExperimentFactory, concluded, registered
from tests.html_checks import executable_markup

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
LEFT_OUT = "so this filter was left out"
SCRIPT = "<script>alert(1)</script>"
# The list page's queries, whatever the number of experiments: the count, one
# page of experiments with author, age band and stage, their topics, and the
# topic, stage and age band choices of the filter form.
LIST_QUERIES = 6


def card_titles(response) -> list[str]:
    """The experiment titles shown on the page, in order, as a reader sees them."""
    found = re.findall(
        r'class="card__title"><a href="[^"]*">([^<]*)</a>', response.content.decode()
    )
    return [html.unescape(title) for title in found]


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def withdrawn(**kwargs) -> Experiment:
    experiment = registered(**kwargs)
    return services.experiment_withdraw(
        experiment=experiment, by=experiment.author, reason="The team was reorganised."
    )


def concluded_with(decision: str, **kwargs) -> Experiment:
    experiment = registered(**kwargs)
    return services.experiment_post_results(
        experiment=experiment,
        by=experiment.author,
        data=RESULTS | {"decision": decision},
    )


def days_ago(days: int) -> datetime.datetime:
    return timezone.now().replace(microsecond=0) - datetime.timedelta(days=days)


# The list: what is shown


def test_list_shows_published_experiments_but_never_drafts(client):
    registered(title="Registered one")
    concluded(title="Concluded one")
    withdrawn(title="Withdrawn one")
    ExperimentFactory(title="Secret draft")

    response = client.get("/experiments/")

    assert response.status_code == 200
    assert sorted(card_titles(response)) == [
        "Concluded one",
        "Registered one",
        "Withdrawn one",
    ]
    text = page_text(response)
    assert "Secret draft" not in text
    assert "3 experiments" in text
    assert "Withdrawn on" in text


def test_empty_list_invites_the_first_plan(client):
    ExperimentFactory(title="Secret draft")

    response = client.get("/experiments/")

    assert response.status_code == 200
    text = page_text(response)
    assert "0 experiments" in text
    assert "No experiments yet." in text
    assert "Plan the first one" in text
    assert "Secret draft" not in text


def test_list_escapes_titles(client):
    registered(title=f"Family time {SCRIPT}")

    response = client.get("/experiments/")

    assert SCRIPT not in response.content.decode()
    assert card_titles(response) == [f"Family time {SCRIPT}"]


def test_list_links_to_its_feed(client):
    response = client.get("/experiments/")
    assert 'type="application/atom+xml"' in response.content.decode()
    assert 'href="/experiments/feed/"' in response.content.decode()


# Filters


def test_filter_by_topic(client, topic, other_topic):
    registered(title="About neglect", topics=[topic])
    registered(title="About domestic abuse", topics=[other_topic])
    registered(title="About both", topics=[topic, other_topic])

    response = client.get("/experiments/", {"topic": "neglect"})

    assert sorted(card_titles(response)) == ["About both", "About neglect"]
    assert LEFT_OUT not in page_text(response)
    assert "Clear filters" in page_text(response)


def test_topic_count_and_pages_agree_with_what_is_listed(client, topic, other_topic):
    """The count is its own query (selectors.experiments_list_count): it must count
    what the pages list, no more (other topics, hidden ones) and no less."""
    for number in range(22):
        registered(title=f"Neglect {number:02}", topics=[topic, other_topic])
    registered(title="Other topic only", topics=[other_topic])
    hidden = registered(title="Hidden neglect", topics=[topic])
    Experiment.objects.filter(pk=hidden.pk).update(
        hidden_at=timezone.now(), hidden_reason="Spam"
    )

    first = client.get("/experiments/", {"topic": "neglect"})
    second = client.get("/experiments/", {"topic": "neglect", "page": 2})

    assert "22 experiments" in page_text(first)
    assert "Page 1 of 2" in page_text(first)
    listed = card_titles(first) + card_titles(second)
    assert sorted(listed) == [f"Neglect {number:02}" for number in range(22)]


def test_filter_by_stage(client):
    child_in_need = Topic.objects.get(slug="child-in-need")
    registered(title="Child in need work", service_stage=child_in_need)
    registered(title="Children in care work")

    response = client.get("/experiments/", {"stage": "child-in-need"})

    assert card_titles(response) == ["Child in need work"]


def test_filter_by_age_band(client):
    registered(title="Teenagers", age_band=AgeBand.objects.get(code="12-15"))
    registered(title="Primary age")

    response = client.get("/experiments/", {"age": "6-11"})

    assert card_titles(response) == ["Primary age"]


def test_filter_by_decision(client):
    concluded_with("adopt", title="Adopted")
    concluded_with("adapt", title="Adapted")
    concluded_with("abandon", title="Abandoned")
    registered(title="Still running")

    for decision, title in [
        ("adopt", "Adopted"),
        ("adapt", "Adapted"),
        ("abandon", "Abandoned"),
    ]:
        response = client.get("/experiments/", {"decision": decision})
        assert card_titles(response) == [title], decision


@pytest.mark.parametrize(
    "state, title",
    [
        ("registered", "Running"),
        ("concluded", "Finished"),
        ("withdrawn", "Stopped"),
    ],
)
def test_filter_by_state(client, state, title):
    registered(title="Running")
    concluded(title="Finished")
    withdrawn(title="Stopped")
    ExperimentFactory(title="Draft")

    response = client.get("/experiments/", {"state": state})

    assert card_titles(response) == [title]


def test_state_draft_is_not_a_filter(client):
    ExperimentFactory(title="Secret draft")
    registered(title="Running")

    response = client.get("/experiments/", {"state": "draft"})

    assert response.status_code == 200
    assert card_titles(response) == ["Running"]
    assert "Secret draft" not in page_text(response)
    assert LEFT_OUT in page_text(response)


def test_filters_combine(client, topic, other_topic):
    teenagers = AgeBand.objects.get(code="12-15")
    concluded_with("adopt", title="Match", topics=[topic])
    concluded_with("adopt", title="Other topic", topics=[other_topic])
    concluded_with("abandon", title="Other decision", topics=[topic])
    concluded_with("adopt", title="Other age", topics=[topic], age_band=teenagers)
    registered(title="Not concluded", topics=[topic])

    response = client.get(
        "/experiments/",
        {"topic": "neglect", "age": "6-11", "decision": "adopt", "state": "concluded"},
    )

    assert card_titles(response) == ["Match"]
    assert "1 experiment" in page_text(response)


def test_filters_that_match_nothing_say_so(client, topic):
    registered(title="About reunification")

    response = client.get("/experiments/", {"topic": "neglect"})

    assert card_titles(response) == []
    assert "No experiments match these filters." in page_text(response)


@pytest.mark.parametrize(
    "name, value",
    [
        ("topic", "no-such-topic"),
        ("topic", SCRIPT),
        ("stage", "neglect"),  # a topic, but not a service stage
        ("stage", SCRIPT),
        ("age", "7-12"),
        ("age", SCRIPT),
        ("decision", "maybe"),
        ("decision", SCRIPT),
        ("state", "deleted"),
        ("state", SCRIPT),
        ("sort", "oldest"),
        ("sort", SCRIPT),
    ],
)
def test_bad_filter_value_is_reported_and_left_out(client, name, value):
    registered(title="Still listed")

    response = client.get("/experiments/", {name: value})

    assert response.status_code == 200
    content = response.content.decode()
    assert SCRIPT not in content
    assert "<script>" not in executable_markup(content)
    text = page_text(response)
    assert "Some filters could not be used" in text
    assert f"We don't recognise “{value}” here, {LEFT_OUT}." in text
    assert card_titles(response) == ["Still listed"]


def test_bad_value_leaves_the_good_filters_in_use(client, topic, other_topic):
    registered(title="About neglect", topics=[topic])
    registered(title="About domestic abuse", topics=[other_topic])

    response = client.get("/experiments/", {"topic": "neglect", "decision": "maybe"})

    assert response.status_code == 200
    assert card_titles(response) == ["About neglect"]
    assert "We don't recognise “maybe” here" in page_text(response)


# Sorting


def test_sort_newest_by_registration_date(client):
    middle = registered(title="Middle")
    old = registered(title="Old")
    new = registered(title="New")
    Experiment.objects.filter(pk=old.pk).update(registered_at=days_ago(30))
    Experiment.objects.filter(pk=middle.pk).update(registered_at=days_ago(20))
    Experiment.objects.filter(pk=new.pk).update(registered_at=days_ago(10))

    assert card_titles(client.get("/experiments/")) == ["New", "Middle", "Old"]
    assert card_titles(client.get("/experiments/", {"sort": "newest"})) == [
        "New",
        "Middle",
        "Old",
    ]


def test_sort_most_discussed(client):
    quiet = registered(title="Quiet")
    busy = registered(title="Busy")
    some = registered(title="Some")
    Experiment.objects.filter(pk=quiet.pk).update(reply_count=0)
    Experiment.objects.filter(pk=busy.pk).update(reply_count=12)
    Experiment.objects.filter(pk=some.pk).update(reply_count=3)

    response = client.get("/experiments/", {"sort": "discussed"})

    assert card_titles(response) == ["Busy", "Some", "Quiet"]
    assert "12 replies" in page_text(response)


def test_sort_recently_concluded_lists_only_concluded(client):
    earlier = concluded(title="Concluded earlier")
    later = concluded(title="Concluded later")
    registered(title="Still running")
    withdrawn(title="Withdrawn")
    Experiment.objects.filter(pk=earlier.pk).update(concluded_at=days_ago(5))
    Experiment.objects.filter(pk=later.pk).update(concluded_at=days_ago(1))

    response = client.get("/experiments/", {"sort": "concluded"})

    assert card_titles(response) == ["Concluded later", "Concluded earlier"]


def test_unknown_sort_is_reported_and_newest_used(client):
    old = registered(title="Old")
    new = registered(title="New")
    Experiment.objects.filter(pk=old.pk).update(registered_at=days_ago(9))
    Experiment.objects.filter(pk=new.pk).update(registered_at=days_ago(1))

    response = client.get("/experiments/", {"sort": "alphabetical"})

    assert response.status_code == 200
    assert card_titles(response) == ["New", "Old"]
    assert f"We don't recognise “alphabetical” here, {LEFT_OUT}." in page_text(response)


# Pages


def make_numbered(count: int, **kwargs) -> None:
    """`count` experiments titled Number 00, 01 ..., the highest number newest."""
    for number in range(count):
        experiment = registered(title=f"Number {number:02d}", **kwargs)
        Experiment.objects.filter(pk=experiment.pk).update(
            registered_at=days_ago(100 - number)
        )


def test_twenty_experiments_a_page(client):
    make_numbered(21)

    first = client.get("/experiments/")
    second = client.get("/experiments/", {"page": "2"})

    assert len(card_titles(first)) == 20
    assert card_titles(first)[0] == "Number 20"
    assert "21 experiments" in page_text(first)
    assert "Page 1 of 2" in page_text(first)
    assert card_titles(second) == ["Number 00"]
    assert "Page 2 of 2" in page_text(second)


@pytest.mark.parametrize("page, shown", [("abc", 1), ("999", 2), ("0", 2), ("-1", 2)])
def test_odd_page_numbers_show_a_page(client, page, shown):
    make_numbered(21)

    response = client.get("/experiments/", {"page": page})

    assert response.status_code == 200
    assert f"Page {shown} of 2" in page_text(response)
    assert card_titles(response)


def pagination_links(response) -> dict[str, str]:
    """rel -> query string of the previous/next links, as a browser would follow."""
    links = re.findall(
        r'<a href="\?([^"]*)" rel="(prev|next)"', response.content.decode()
    )
    return {rel: html.unescape(query) for query, rel in links}


def test_pagination_keeps_the_filters(client, topic):
    make_numbered(22, topics=[topic])
    registered(title="Off topic")

    first = client.get("/experiments/", {"topic": "neglect", "sort": "newest"})
    links = pagination_links(first)
    assert set(links) == {"next"}
    assert links["next"] == "topic=neglect&sort=newest&page=2"

    second = client.get(f"/experiments/?{links['next']}")
    assert card_titles(second) == ["Number 01", "Number 00"]
    assert pagination_links(second) == {"prev": "topic=neglect&sort=newest&page=1"}


def test_pagination_does_not_repeat_the_page_number(client):
    make_numbered(45)

    response = client.get("/experiments/", {"page": "2", "age": "6-11"})

    assert pagination_links(response) == {
        "prev": "age=6-11&page=1",
        "next": "age=6-11&page=3",
    }


# Topic pages


def test_topic_page_lists_only_that_topic(client, topic, other_topic):
    registered(title="About neglect", topics=[topic])
    registered(title="About domestic abuse", topics=[other_topic])
    ExperimentFactory(title="Draft about neglect", topics=[topic])

    response = client.get("/experiments/topic/neglect/")

    assert response.status_code == 200
    assert card_titles(response) == ["About neglect"]
    text = page_text(response)
    assert "Experiments about Neglect" in text
    assert "Draft about neglect" not in text
    assert 'href="/experiments/topic/neglect/feed/"' in response.content.decode()


def test_topic_page_ignores_a_topic_in_the_query_string(client, topic, other_topic):
    registered(title="About neglect", topics=[topic])
    registered(title="About domestic abuse", topics=[other_topic])

    response = client.get("/experiments/topic/neglect/", {"topic": "domestic-abuse"})

    assert response.status_code == 200
    assert card_titles(response) == ["About neglect"]


def test_topic_page_takes_other_filters(client, topic):
    concluded_with("adopt", title="Adopted", topics=[topic])
    registered(title="Running", topics=[topic])

    response = client.get("/experiments/topic/neglect/", {"state": "concluded"})

    assert card_titles(response) == ["Adopted"]


def test_unknown_topic_page_is_404(client):
    response = client.get("/experiments/topic/no-such-topic/")
    assert response.status_code == 404


def test_empty_topic_page_does_not_offer_to_clear_filters(client, topic):
    response = client.get("/experiments/topic/neglect/")

    assert response.status_code == 200
    text = page_text(response)
    assert "Clear filters" not in text
    assert "No experiments match these filters" not in text
    assert "No experiments yet." in text


# Atom feeds


def parse_feed(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def entry_titles(feed) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]


def test_feed_lists_registered_experiments_not_drafts(client):
    old = registered(title="Older plan")
    new = registered(title="Newer plan")
    ExperimentFactory(title="Secret draft")
    Experiment.objects.filter(pk=old.pk).update(registered_at=days_ago(3))
    Experiment.objects.filter(pk=new.pk).update(registered_at=days_ago(1))

    response = client.get("/experiments/feed/")

    feed = parse_feed(response)
    assert entry_titles(feed) == ["Newer plan", "Older plan"]
    assert b"Secret draft" not in response.content
    summary = feed.find(f"{ATOM}entry/{ATOM}summary")
    assert summary.text.startswith("If I agree the purpose of each family time session")
    link = feed.find(f"{ATOM}entry/{ATOM}link").get("href")
    assert link.endswith(new.get_absolute_url())


def test_empty_feed_is_valid(client):
    ExperimentFactory(title="Secret draft")

    feed = parse_feed(client.get("/experiments/feed/"))

    assert entry_titles(feed) == []
    assert feed.findtext(f"{ATOM}title") == "IUseEvidence: new practice experiments"


def test_feed_never_carries_executable_markup(client):
    registered(title=f"Title {SCRIPT}", hypothesis_change=f"try {SCRIPT}")

    response = client.get("/experiments/feed/")

    raw = response.content.decode()
    assert "<script" not in raw
    feed = parse_feed(response)
    entry = feed.find(f"{ATOM}entry")
    # The title is a plain-text construct: a reader shows it as text.
    title = entry.find(f"{ATOM}title")
    assert title.get("type", "text") == "text"
    assert title.text == f"Title {SCRIPT}"
    # The summary is HTML: after one XML unescape a reader must still see text only.
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert executable_markup(summary.text) == []
    assert "try &lt;script&gt;alert(1)&lt;/script&gt;" in summary.text
    raw_summary = re.search(r'<summary type="html">(.*?)</summary>', raw).group(1)
    assert "&lt;script&gt;" not in raw_summary
    assert "&amp;lt;script&amp;gt;" in raw_summary


def test_topic_feed_lists_only_that_topic(client, topic, other_topic):
    registered(title="About neglect", topics=[topic])
    registered(title="About domestic abuse", topics=[other_topic])
    ExperimentFactory(title="Draft about neglect", topics=[topic])

    response = client.get("/experiments/topic/neglect/feed/")

    feed = parse_feed(response)
    assert entry_titles(feed) == ["About neglect"]
    assert "Neglect" in feed.findtext(f"{ATOM}title")
    assert b"Draft about neglect" not in response.content


def test_unknown_topic_feed_is_404(client):
    assert client.get("/experiments/topic/no-such-topic/feed/").status_code == 404


def test_feed_does_not_publish_a_withdrawn_plan(client):
    withdrawn(title="Withdrawn plan", hypothesis_change="use the withdrawn approach")

    response = client.get("/experiments/feed/")

    assert response.status_code == 200
    assert b"use the withdrawn approach" not in response.content


# Home page


def test_home_page_shows_latest_experiments(client, home_page):
    for number in range(5):
        experiment = registered(title=f"Home number {number}")
        Experiment.objects.filter(pk=experiment.pk).update(
            registered_at=days_ago(10 - number)
        )
    ExperimentFactory(title="Secret draft")

    response = client.get("/")

    assert response.status_code == 200
    text = page_text(response)
    assert "Latest practice experiments" in text
    assert card_titles(response) == [
        "Home number 4",
        "Home number 3",
        "Home number 2",
        "Home number 1",
    ]
    assert "Secret draft" not in text
    assert 'href="/experiments/">See all experiments' in response.content.decode()
    assert "No experiments have been registered yet" not in text


def test_home_page_without_experiments(client, home_page):
    ExperimentFactory(title="Secret draft")

    response = client.get("/")

    assert response.status_code == 200
    text = page_text(response)
    assert "Latest practice experiments" in text
    assert "No experiments have been registered yet." in text
    assert "Secret draft" not in text
    assert card_titles(response) == []


# Queries


@pytest.mark.parametrize("count", [3, 25])
def test_list_queries_do_not_grow_with_experiments(
    client, django_assert_num_queries, topic, other_topic, count
):
    makers = [registered, concluded, withdrawn]
    for number in range(count):
        makers[number % 3](topics=[topic, other_topic])
    client.get("/experiments/")  # warm-up: anything cached per process

    with django_assert_num_queries(LIST_QUERIES):
        response = client.get("/experiments/")

    assert len(card_titles(response)) == min(count, 20)
    assert "Neglect" in page_text(response)
