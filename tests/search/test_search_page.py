"""The site search page, over evidence, experiments and replies, with the default backend."""

import pytest

from django.conf import settings
from django.utils.html import strip_tags

from forum import services
from forum.models import Reply
from tests.evidence.factories import EvidencePageFactory
from tests.forum.factories import ExperimentFactory, registered

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run on-commit work (queued index updates) as soon as the block ends, as in production."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def add_reply(experiment, text, *, user=None):
    user = user or experiment.author
    reply = Reply(
        content_object=experiment,
        site_id=settings.SITE_ID,
        user=user,
        user_name=user.public_name,
        user_email=user.email,
        comment=text,
    )
    reply.save()
    return reply


@pytest.fixture
def corpus(search_index, committed, evidence_index, topic):
    """Evidence, experiments in several states and replies, all indexed."""
    with committed():
        evidence = EvidencePageFactory(
            parent=evidence_index,
            title="DEMO Kitchen Table Plans",
            standfirst="Writing plans with families at the kitchen table.",
            topics=[topic],
        )
        experiment = registered(
            title="Kitchen conversations", aim="Try kitchen table planning."
        )
        draft = ExperimentFactory(title="Secret kitchen draft")
        withdrawn = registered(
            title="Withdrawn kitchen trial", baseline="kitchen baseline"
        )
        services.experiment_withdraw(
            experiment=withdrawn, by=withdrawn.author, reason="Team changed"
        )
        reply = add_reply(experiment, "The kitchen table felt less formal to parents.")
        add_reply(withdrawn, "A kitchen reply on a withdrawn experiment.")
    return {
        "evidence": evidence,
        "experiment": experiment,
        "draft": draft,
        "withdrawn": withdrawn,
        "reply": reply,
    }


def page_text(response) -> str:
    return " ".join(strip_tags(response.content.decode()).split())


def test_search_finds_each_kind_with_counts(client, corpus):
    response = client.get("/search/", {"q": "kitchen"})
    assert response.status_code == 200
    counts = response.context["outcome"].counts
    assert counts == {"evidence": 1, "experiment": 2, "critique": 0, "reply": 1}
    assert "DEMO Kitchen Table Plans" in page_text(response)
    assert "<mark>kitchen</mark>" in response.content.decode()


def test_drafts_are_never_found(client, corpus):
    response = client.get("/search/", {"q": "secret", "kind": "experiment"})
    assert "Secret kitchen draft" not in page_text(response)
    assert response.context["outcome"].counts["experiment"] == 0


def test_withdrawn_experiment_is_found_only_as_its_stub(client, corpus):
    assert (
        client.get("/search/", {"q": "baseline", "kind": "experiment"})
        .context["outcome"]
        .counts["experiment"]
        == 0
    )
    response = client.get("/search/", {"q": "withdrawn kitchen", "kind": "experiment"})
    assert "Withdrawn kitchen trial" in page_text(response)


def test_replies_of_withdrawn_experiments_are_not_found(client, corpus):
    response = client.get("/search/", {"q": "withdrawn", "kind": "reply"})
    assert response.context["outcome"].counts["reply"] == 0


def test_hidden_reply_disappears_as_soon_as_the_change_commits(
    client, corpus, committed
):
    reply = corpus["reply"]
    with committed():
        reply.is_public = False
        reply.save()
    response = client.get("/search/", {"q": "formal", "kind": "reply"})
    assert response.context["outcome"].counts["reply"] == 0


def test_withdrawing_removes_the_plan_and_its_replies(client, corpus, committed):
    experiment = corpus["experiment"]
    with committed():
        services.experiment_withdraw(
            experiment=experiment, by=experiment.author, reason="Paused"
        )
    assert (
        client.get("/search/", {"q": "formal", "kind": "reply"})
        .context["outcome"]
        .counts["reply"]
        == 0
    )
    assert (
        client.get("/search/", {"q": "planning"})
        .context["outcome"]
        .counts["experiment"]
        == 0
    )


def test_kind_filter_and_topic_filter(client, corpus):
    response = client.get(
        "/search/", {"q": "kitchen", "kind": "evidence", "topic": "neglect"}
    )
    assert [hit.title for hit in response.context["outcome"].hits] == [
        "DEMO Kitchen Table Plans"
    ]
    response = client.get("/search/", {"q": "kitchen", "topic": "domestic-abuse"})
    assert response.context["outcome"].counts["evidence"] == 0


@pytest.mark.parametrize(
    "query",
    [
        "",
        "k" * 2000,
        '"kitchen table',
        "AND",
        "-",
        "*",
        "title:",
        "kitchen OR",
        "ééé 東京 🙂",
        "<script>alert(1)</script>",
        "%",
        "'; DROP TABLE forum_experiment; --",
    ],
)
def test_odd_queries_never_fail(client, corpus, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_very_long_query_is_cut_with_a_message(client, corpus):
    response = client.get("/search/", {"q": "kitchen " * 300})
    assert "only its first 200 characters were used" in response.content.decode()


def test_unknown_filter_is_reported(client, corpus):
    response = client.get("/search/", {"q": "kitchen", "decision": "maybe"})
    assert "so this filter was left out" in response.content.decode()


def test_empty_result_says_what_to_do(client, corpus):
    response = client.get("/search/", {"q": "zebra"})
    assert "Nothing found for “zebra”" in page_text(response)


def test_autocomplete_suggests_titles(client, corpus):
    body = client.get("/search/autocomplete/", {"q": "kitch"}).json()
    titles = {item["title"] for item in body["suggestions"]}
    assert "DEMO Kitchen Table Plans" in titles
    assert "Secret kitchen draft" not in titles
    assert client.get("/search/autocomplete/", {"q": "k"}).json() == {"suggestions": []}


def test_edited_reply_is_found_by_its_new_words(client, corpus, committed):
    from forum.replies import reply_edit

    reply = corpus["reply"]
    with committed():
        reply_edit(reply=reply, by=reply.user, text="Parents preferred the sofa.")
    found = client.get("/search/", {"q": "sofa", "kind": "reply"}).context["outcome"]
    assert found.counts["reply"] == 1
    gone = client.get("/search/", {"q": "formal", "kind": "reply"}).context["outcome"]
    assert gone.counts["reply"] == 0


def test_amended_plan_text_is_searchable(client, corpus, committed):
    experiment = corpus["experiment"]
    with committed():
        services.experiment_amend(
            experiment=experiment,
            by=experiment.author,
            field="duration",
            new_text="twelve fortnights",
            reason="Longer test",
        )
    found = client.get("/search/", {"q": "fortnights", "kind": "experiment"})
    assert found.context["outcome"].counts["experiment"] == 1


@pytest.mark.skipif(
    settings.SEARCH_BACKEND != "whoosh", reason="Spelling suggestions come from Whoosh."
)
def test_misspelled_search_suggests_a_correction(client, corpus):
    response = client.get("/search/", {"q": "kitchn"})
    assert response.context["outcome"].suggestion == "kitchen"
    assert "Did you mean" in page_text(response)
    followed = client.get("/search/", {"q": response.context["outcome"].suggestion})
    assert followed.context["outcome"].counts["evidence"] == 1


def test_a_well_spelled_search_gets_no_suggestion(client, corpus):
    response = client.get("/search/", {"q": "kitchen"})
    assert response.context["outcome"].suggestion is None


def test_filters_show_how_many_experiments_match(client, corpus, committed):
    from tests.forum.factories import RESULTS

    experiment = corpus["experiment"]
    with committed():
        services.experiment_post_results(
            experiment=experiment,
            by=experiment.author,
            data={**RESULTS, "decision": "adopt"},
        )
    html = client.get("/search/", {"q": "kitchen"}).content.decode()
    assert "Adopt (1)" in html
    assert "Abandon (0)" in html
    assert "6 to 11 years (2 experiments)" in html  # the withdrawn one matches too
    assert "0 to 2 years (0 experiments)" in html
    assert "Reunification (2 experiments)" in html
    assert "Neglect (0 experiments)" in html


def test_wagtail_admin_search_uses_the_same_backend(client, corpus, editor):
    from tests.accounts.factories import PASSWORD

    client.login(username=editor.username, password=PASSWORD)
    response = client.get("/admin/pages/search/", {"q": "kitchen"})
    assert response.status_code == 200
    assert "DEMO Kitchen Table Plans" in response.content.decode()


@pytest.mark.skipif(
    settings.SEARCH_BACKEND != "whoosh", reason="About the Whoosh files."
)
@pytest.mark.parametrize("damage", ["missing", "corrupt"])
def test_broken_index_is_reported_and_rebuilt_by_the_command(client, corpus, damage):
    import shutil

    from django.core.management import call_command

    index_dir = settings.SEARCH_INDEX_PATH
    if damage == "missing":
        shutil.rmtree(index_dir)
    else:
        for toc in index_dir.rglob("*.toc"):
            toc.write_bytes(b"not an index")
    response = client.get("/search/", {"q": "kitchen"})
    assert response.status_code == 200
    assert "Search is unavailable for a moment" in response.content.decode()
    assert client.get("/").status_code == 200
    assert client.get(corpus["experiment"].get_absolute_url()).status_code == 200

    call_command("update_index", verbosity=0)
    response = client.get("/search/", {"q": "kitchen"})
    assert response.context["outcome"].counts["evidence"] == 1


def _add_hits(count: int, kind: str, committed) -> None:
    """`count` experiments with an amendment, each with one critique or reply of `kind`."""
    from tests.accounts.factories import UserFactory
    from tests.critique.factories import submitted_critique
    from tests.moderation.helpers import add_reply

    with committed():
        for n in range(count):
            experiment = registered(title=f"Kitchen visit {n}")
            services.experiment_amend(
                experiment=experiment,
                by=experiment.author,
                field="duration",
                new_text="Ten kitchen weeks",
                reason="Leave",
            )
            if kind == "critique":
                submitted_critique(experiment, strengths="A kitchen table idea.")
            elif kind == "reply":
                add_reply(experiment, "The kitchen felt calmer.", UserFactory())


def _queries_for_the_page(kind: str) -> tuple[int, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = Client().get("/search/", {"q": "kitchen", "kind": kind})
    assert response.status_code == 200
    return len(response.context["outcome"].hits), len(queries)


@pytest.mark.parametrize("kind", ["experiment", "critique", "reply"])
def test_a_page_of_results_takes_the_same_queries_however_many_hits(
    search_index, committed, kind
):
    _add_hits(2, kind, committed)
    few_hits, few_queries = _queries_for_the_page(kind)
    _add_hits(10, kind, committed)
    many_hits, many_queries = _queries_for_the_page(kind)
    assert (few_hits, many_hits) == (2, 12)
    assert many_queries == few_queries


@pytest.mark.skipif(
    settings.SEARCH_BACKEND != "whoosh",
    reason="Other backends filter with the subquery inside their own SQL.",
)
def test_a_search_reads_the_open_discussions_once(search_index, committed):
    # Replies are found only under experiments whose discussion is open: a
    # subquery the backend runs to filter the index. The count and the page of
    # hits share it.
    _add_hits(3, "reply", committed)
    reads, outcome = _open_discussion_reads("kitchen", kind="reply")
    assert len(outcome.hits) == 3
    assert reads == 1


def _open_discussion_reads(q: str, **params) -> tuple[int, object]:
    """(times the open-discussions subquery ran, outcome) for one search page."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = Client().get("/search/", {"q": q, **params})
    reads = [
        query["sql"]
        for query in queries
        if query["sql"].startswith("SELECT CAST(") and '"pk_text"' in query["sql"]
    ]
    return len(reads), response.context["outcome"]


@pytest.mark.skipif(
    settings.SEARCH_BACKEND != "whoosh",
    reason="Other backends filter with the subquery inside their own SQL.",
)
def test_open_discussions_are_read_again_only_after_a_change(
    search_index, committed, moderator
):
    _add_hits(2, "reply", committed)
    reads, outcome = _open_discussion_reads("kitchen")
    assert (reads, outcome.counts) == (
        1,
        {"evidence": 0, "experiment": 2, "critique": 0, "reply": 2},
    )
    # Nothing changed: the subquery's result is used again.
    assert _open_discussion_reads("kitchen")[0] == 0
    assert _open_discussion_reads("calmer")[0] == 0

    # A moderator hides one experiment: its reply is not counted from the next
    # search on, though the index still holds it.
    from forum.models import Experiment
    from moderation.services import content_hide

    with committed():
        content_hide(
            target=Experiment.objects.get(title="Kitchen visit 0"),
            by=moderator,
            reason="Names a school.",
        )
    reads, outcome = _open_discussion_reads("kitchen")
    assert (reads, outcome.counts) == (
        1,
        {"evidence": 0, "experiment": 1, "critique": 0, "reply": 1},
    )


@pytest.mark.skipif(
    settings.SEARCH_BACKEND != "whoosh",
    reason="Other backends filter with the subquery inside their own SQL.",
)
def test_inside_a_transaction_the_open_discussions_are_read_every_time(
    search_index, committed
):
    from django.db import transaction

    _add_hits(1, "reply", committed)
    with transaction.atomic():
        assert _open_discussion_reads("kitchen")[0] == 1
        assert _open_discussion_reads("kitchen")[0] == 1
    assert _open_discussion_reads("kitchen")[0] == 1
    assert _open_discussion_reads("kitchen")[0] == 0
