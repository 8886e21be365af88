"""The Whoosh backend's own pieces, on the project's models and normal settings.

modelsearch's full conformance suite is in tests/search/conformance; it runs only as
``DJANGO_SETTINGS_MODULE=config.settings.search_conformance .venv/bin/pytest
tests/search/conformance -p no:cacheprovider``.
"""

import datetime
import os
import threading
from pathlib import Path

import pytest
from whoosh import fields, searching
from whoosh import highlight as whoosh_highlight
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.index import EmptyIndexError

from django.core.management import call_command
from django.db.models import Q
from django.test.utils import override_settings

from modelsearch.index import get_indexed_models
from modelsearch.query import MATCH_ALL, PlainText
from wagtail.models import Page

from evidence.models import EvidencePage
from evidence.ratings import SourceType
from search.backends import whoosh as whoosh_backend
from search.backends.whoosh import (
    SearchIndexMissing,
    WhooshSearchBackend,
    highlight,
    storage,
)
from search.backends.whoosh.codecs import DateCodec, DateTimeCodec, TimeCodec
from search.backends.whoosh.filters import (
    FilterTranslationMixin,
    _Leaf,
    _Node,
    finalize,
)
from search.backends.whoosh.highlight import _TOKENS, _MarkFormatter
from search.backends.whoosh.mapping import PK, STEMMING_ANALYZER
from search.backends.whoosh.queries import EVERYTHING, NOTHING, q_and, q_not, q_or
from search.backends.whoosh.storage import IndexStore
from tests.evidence.factories import EvidencePageFactory, PracticeHypothesisFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def backend(tmp_path):
    return WhooshSearchBackend({"PATH": tmp_path / "whoosh"})


@pytest.fixture
def pages(evidence_index, topic):
    conferencing = EvidencePageFactory(
        parent=evidence_index,
        title="Family group conferencing",
        standfirst="Families plan together <script>alert('x')</script> with a coordinator.",
        source_type=SourceType.RCT,
        topics=[topic],
    )
    PracticeHypothesisFactory(
        page=conferencing, statement="If we hold conferences early, fewer removals."
    )
    parenting = EvidencePageFactory(
        parent=evidence_index,
        title="Parenting programmes",
        standfirst="Group sessions for parents.",
        source_type=SourceType.SYSTEMATIC_REVIEW,
    )
    draft = EvidencePageFactory(
        parent=evidence_index,
        title="Restorative conferencing draft",
        source_type=SourceType.RCT,
        live=False,
    )
    return conferencing, parenting, draft


def rebuild(backend, root=Page, chunks=1):
    """What update_index does for one index (in `chunks` add_items() calls per model)."""
    index = backend.get_index_for_model(root)
    rebuilder = backend.rebuilder_class(index)
    building = rebuilder.start()
    for model in get_indexed_models():
        if issubclass(model, root):
            objects = list(model.get_indexed_objects().order_by("pk"))
            for start in range(chunks):
                building.add_items(model, objects[start::chunks])
    rebuilder.finish()
    return index


def open_index(backend, index):
    return whoosh_index.open_dir(str(backend.store.current(index.name)))


def titles(results):
    return sorted(result.title for result in results)


# Building and searching


def test_update_index_builds_every_index(tmp_path, pages):
    path = tmp_path / "indexes"
    backends = {
        "default": {"BACKEND": "wagtail.search.backends.database"},
        "whoosh": {
            "BACKEND": "search.backends.whoosh",
            "PATH": path,
            "AUTO_UPDATE": False,
        },
    }
    with override_settings(WAGTAILSEARCH_BACKENDS=backends):
        call_command("update_index", backend_name="whoosh", verbosity=0)
    backend = WhooshSearchBackend({"PATH": path})
    assert (path / "wagtailcore_page").is_symlink()
    results = backend.search("conferencing", EvidencePage.objects.live())
    assert titles(results) == ["Family group conferencing"]


def test_related_and_autocomplete_text_is_searchable(backend, pages):
    rebuild(backend)
    assert titles(backend.search("removals", EvidencePage)) == [
        "Family group conferencing"
    ]
    assert titles(backend.search("neglect", EvidencePage)) == [
        "Family group conferencing"
    ]
    assert titles(backend.autocomplete("paren", EvidencePage)) == [
        "Parenting programmes"
    ]


def test_field_boosts_rank_title_matches_first(backend, evidence_index):
    EvidencePageFactory(
        parent=evidence_index, title="Foster support", what_it_is="<p>Kinship care</p>"
    )
    EvidencePageFactory(parent=evidence_index, title="Kinship care")
    rebuild(backend)
    results = backend.search("kinship", EvidencePage)
    # The page title has boost 2, what_it_is none.
    assert [page.title for page in results] == ["Kinship care", "Foster support"]


def test_annotate_score_ordering_and_counts(backend, pages):
    rebuild(backend)
    results = backend.search(
        MATCH_ALL, EvidencePage.objects.order_by("-title"), order_by_relevance=False
    )
    assert [page.title for page in results] == [
        "Restorative conferencing draft",
        "Parenting programmes",
        "Family group conferencing",
    ]
    assert results.count() == 3
    assert results[1:].count() == 2
    scored = backend.search(PlainText("conferencing"), EvidencePage).annotate_score("s")
    assert all(isinstance(page.s, float) for page in scored)


def test_facet_counts_filter_values(backend, pages):
    rebuild(backend)
    facets = backend.search(MATCH_ALL, EvidencePage).facet("source_type")
    assert list(facets.items()) == [("rct", 2), ("systematic_review", 1)]


def test_several_facets_and_the_count_come_from_one_pass(backend, pages):
    rebuild(backend)
    results = backend.search(MATCH_ALL, EvidencePage)
    both = results.facets(["source_type", "live"])
    # The count came with the facets: asking for it reads nothing more.
    assert results._count_cache == 3
    assert both["source_type"] == backend.search(MATCH_ALL, EvidencePage).facet(
        "source_type"
    )
    assert dict(both["live"]) == {True: 2, False: 1}


def test_facet_counts_follow_a_new_commit(backend, pages):
    """Facet values are kept per commit of the index, never across one."""
    rebuild(backend)
    assert backend.search(MATCH_ALL, EvidencePage).facet("source_type")["rct"] == 2
    page = EvidencePage.objects.get(title="Family group conferencing")
    page.source_type = SourceType.SYSTEMATIC_REVIEW
    page.save_revision().publish()
    backend.add(page.specific)
    facets = backend.search(MATCH_ALL, EvidencePage).facet("source_type")
    assert dict(facets) == {"rct": 1, "systematic_review": 2}


# Filters run inside Whoosh


@pytest.fixture
def no_database_fallback(monkeypatch):
    def fail(self):
        raise AssertionError("the filter should have been translated")

    monkeypatch.setattr(FilterTranslationMixin, "_database_filter", fail)


def test_queryset_filters_are_translated(
    backend, pages, evidence_index, no_database_fallback
):
    rebuild(backend)
    conferencing, parenting, draft = pages
    querysets = [
        Page.objects.live(),
        Page.objects.not_live(),
        Page.objects.descendant_of(evidence_index),
        Page.objects.type(EvidencePage),
        Page.objects.filter(depth__gte=3) | Page.objects.filter(depth__lt=2),
        Page.objects.filter(depth__range=(2, 3)),
        Page.objects.filter(first_published_at__isnull=True),
        Page.objects.filter(title__startswith="Family"),
        Page.objects.filter(id__in=[conferencing.pk, draft.pk]),
        Page.objects.filter(id__in=Page.objects.filter(live=False).values("id")),
        Page.objects.exclude(live=True),
        Page.objects.filter(~Q(title="Parenting programmes") & Q(depth=4)),
        Page.objects.filter(
            first_published_at__gt=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
        ),
        EvidencePage.objects.filter(source_type=SourceType.RCT),
        EvidencePage.objects.filter(pk=parenting.pk),  # the page_ptr column
        Page.objects.none(),
    ]
    for queryset in querysets:
        expected = {page.pk for page in queryset}
        found = {page.pk for page in backend.search(MATCH_ALL, queryset)}
        assert found == expected, queryset.query


def test_untranslatable_lookup_is_answered_by_the_database(backend, pages, monkeypatch):
    rebuild(backend)
    calls = []
    original = FilterTranslationMixin._database_filter

    def spy(self):
        calls.append(self.queryset.model)
        return original(self)

    monkeypatch.setattr(FilterTranslationMixin, "_database_filter", spy)
    results = backend.search(
        MATCH_ALL, Page.objects.filter(title__icontains="CONFERENCING")
    )
    assert titles(results) == [
        "Family group conferencing",
        "Restorative conferencing draft",
    ]
    assert calls == [Page]


def test_whoosh_returns_only_the_page_asked_for(backend, pages, monkeypatch):
    rebuild(backend)
    limits = []
    original = searching.Searcher.search

    def spy(self, q, **kwargs):
        limits.append(kwargs.get("limit"))
        return original(self, q, **kwargs)

    monkeypatch.setattr(searching.Searcher, "search", spy)
    queryset = EvidencePage.objects.order_by("title")
    assert [
        p.title
        for p in backend.search(MATCH_ALL, queryset, order_by_relevance=False)[1:2]
    ] == ["Parenting programmes"]
    assert limits == [2]


def test_word_searches_are_ranked_by_arrays_as_whoosh_ranks_them(
    backend, pages, monkeypatch
):
    rebuild(backend)
    queryset = EvidencePage.objects.live()
    query = PlainText("conferencing families group", operator="or")
    # Whoosh's own ranking of every match, on the same compiled query and filter.
    results = backend.search(query, queryset)
    text, allow = results._plan()
    index = backend.get_index_for_model(EvidencePage)
    with open_index(backend, index).searcher() as searcher:
        allowed = set(searcher.docs_for_query(allow))
        expected = [
            hit[PK] for hit in searcher.search(text, filter=allowed, limit=None)
        ]
    assert len(expected) == 2

    def whoosh_search(self, q, **kwargs):
        raise AssertionError("a word search went through Whoosh's own search")

    monkeypatch.setattr(searching.Searcher, "search", whoosh_search)
    found = backend.search(query, queryset)
    assert [str(page.pk) for page in found] == expected
    assert found.count() == 2
    assert titles(found) == ["Family group conferencing", "Parenting programmes"]


def test_lookups_on_one_related_row_share_one_nested_query():
    a = _Leaf(wq.Term("books.pages_filter", 1), levels=["books"], key=("T1",))
    b = _Leaf(wq.Term("books.year_filter", 2), levels=["books"], key=("T1",))
    c = _Leaf(wq.Term("books.year_filter", 3), levels=["books"], key=("T2",))
    merged = finalize(_Node("AND", [a, b], negated=False))
    assert isinstance(merged, wq.NestedParent)
    assert "books.pages_filter" in repr(merged) and "books.year_filter" in repr(merged)
    separate = finalize(_Node("AND", [a, c], negated=False))
    assert isinstance(separate, wq.And) and len(separate.subqueries) == 2


def test_isnull_through_a_relation_also_matches_objects_without_related_rows():
    missing = _Leaf(
        wq.Term("books.year_filter", 1), levels=["books"], key=("T1",), or_missing=True
    )
    query = finalize(_Node("AND", [missing], negated=False))
    assert isinstance(query, wq.Or)
    assert any(isinstance(sub, wq.AndNot) for sub in query.subqueries)


def test_negation_is_a_complement():
    term = wq.Term("x", "y")
    assert q_not(NOTHING) is EVERYTHING
    assert q_not(EVERYTHING) is NOTHING
    assert isinstance(q_not(term), wq.AndNot)
    assert q_and([EVERYTHING, term]) is term
    assert q_or([NOTHING, term]) is term
    assert q_and([term, NOTHING]) is NOTHING


@pytest.mark.parametrize(
    ("codec", "value"),
    [
        (DateCodec(), datetime.date(1954, 7, 29)),
        (TimeCodec(), datetime.time(8, 30, 5, 12)),
        (DateTimeCodec(), datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)),
    ],
)
def test_codecs_round_trip_and_keep_order(codec, value):
    assert codec.decode(codec.encode(value)) == value
    earlier = (
        value.replace(year=value.year - 1)
        if hasattr(value, "year")
        else value.replace(hour=7)
    )
    assert codec.encode(earlier) < codec.encode(value)


# Missing indexes, the atomic rebuild and retries


def test_a_missing_index_is_an_error_and_is_never_created(backend, pages):
    with pytest.raises(SearchIndexMissing, match="update_index"):
        list(backend.search("conferencing", EvidencePage))
    with pytest.raises(SearchIndexMissing):
        backend.add(pages[0])
    backend.delete(pages[0])  # nothing to delete from
    assert not backend.path.exists()


def test_rebuild_swaps_in_a_complete_index(backend, pages, evidence_index):
    index = rebuild(backend)
    link = backend.path / index.name
    first = Path(os.path.realpath(link))
    newcomer = EvidencePageFactory(parent=evidence_index, title="Kinship care")

    rebuilder = backend.rebuilder_class(index)
    building = rebuilder.start()
    building.add_items(EvidencePage, [newcomer])
    # Mid-build, searches still read the old generation, whole.
    assert titles(backend.search("kinship", EvidencePage)) == []
    assert backend.search(MATCH_ALL, EvidencePage).count() == 3
    rebuilder.finish()

    assert link.is_symlink()
    assert Path(os.path.realpath(link)) != first
    assert not first.exists()
    assert titles(backend.search("kinship", EvidencePage)) == ["Kinship care"]


def test_readers_never_see_a_half_built_index_during_swaps(tmp_path):
    store = IndexStore(tmp_path)
    schema = fields.Schema(key=fields.ID(stored=True))

    def build():
        path = store.new_build("things")
        with store.create(path, schema).writer() as writer:
            for key in range(20):
                writer.add_document(key=str(key))
        store.publish("things", path)

    build()
    errors, counts, done = [], [], threading.Event()

    def keep_rebuilding():
        try:
            for _ in range(15):
                build()
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            done.set()

    thread = threading.Thread(target=keep_rebuilding)
    thread.start()
    while not done.is_set():
        counts.append(store.read("things", lambda index: index.doc_count()))
    thread.join()
    assert errors == []
    assert set(counts) == {20}
    assert len(list(tmp_path.glob("things.*"))) == 1


def test_add_and_delete_update_the_current_index(backend, pages, evidence_index):
    rebuild(backend)
    page = EvidencePageFactory(parent=evidence_index, title="Kinship care")
    backend.add(page)
    assert titles(backend.search("kinship", EvidencePage)) == ["Kinship care"]
    backend.delete(page)
    assert titles(backend.search("kinship", EvidencePage)) == []


def test_readers_retry_on_transient_errors(backend, pages, monkeypatch):
    rebuild(backend)
    original = storage.whoosh_index.open_dir
    failures = [EmptyIndexError("no TOC yet"), FileNotFoundError("segment merged away")]

    def flaky_open_dir(*args, **kwargs):
        if failures:
            raise failures.pop(0)
        return original(*args, **kwargs)

    monkeypatch.setattr(storage.whoosh_index, "open_dir", flaky_open_dir)
    monkeypatch.setattr(storage, "READ_FIRST_DELAY", 0.001)
    assert titles(backend.search("parenting", EvidencePage)) == ["Parenting programmes"]
    assert failures == []


def test_readers_give_up_on_a_persistent_error(backend, pages, monkeypatch):
    rebuild(backend)

    def broken_open_dir(*args, **kwargs):
        raise FileNotFoundError("gone for good")

    monkeypatch.setattr(storage.whoosh_index, "open_dir", broken_open_dir)
    monkeypatch.setattr(storage, "READ_FIRST_DELAY", 0.001)
    with pytest.raises(FileNotFoundError):
        list(backend.search("parenting", EvidencePage))


# Highlighting


def test_highlight_escapes_html_and_marks_matches():
    snippet = highlight("Families plan <script>alert(1)</script> together", "family")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in snippet
    assert "<mark>Families</mark>" in snippet
    assert "<" not in snippet.replace("<mark>", "").replace("</mark>", "")
    assert highlight("nothing relevant", "family") == ""


def test_highlight_result_uses_the_stored_text(backend, pages):
    rebuild(backend)
    conferencing = pages[0]
    snippet = backend.highlight(conferencing, "coordinator", fields=["standfirst"])
    assert "<mark>coordinator</mark>" in snippet
    assert "&lt;script&gt;" in snippet
    assert "<" not in snippet.replace("<mark>", "").replace("</mark>", "")
    assert whoosh_backend.highlight_result(backend, conferencing, "unrelated") == ""


def test_a_search_result_is_highlighted_from_the_text_found_with_it(
    backend, pages, monkeypatch
):
    rebuild(backend)
    query = PlainText("coordinator")
    [found] = backend.search(query, EvidencePage.objects.live())
    # The text stored with the hit is the one the search matched, even if the
    # index is not read again (it may have changed since).
    monkeypatch.setattr(
        backend.store,
        "search",
        lambda *args: pytest.fail("the index was read again to highlight"),
    )
    snippet = backend.highlight(found, query, fields=["standfirst"])
    assert "<mark>coordinator</mark>" in snippet
    assert "&lt;script&gt;" in snippet


def test_quick_highlight_tokens_are_the_analyzers_tokens():
    text = (
        "The Families' café: naïve co-operation, e.g. 3.5 visits; WILL of running "
        "runners à l'école. It's the children's  voice\u2014and THEIR wishes... "
        "Über-cautious Ærø ﬁnal"
    )

    def tokens(analyzer):
        return [
            (t.text, t.stopped, t.startchar, t.endchar)
            for t in analyzer(text, chars=True, mode="query", removestops=False)
        ]

    assert tokens(_TOKENS) == tokens(STEMMING_ANALYZER)
    words = {"famili", "run", "will", "child", "wish", "cautious"}
    options = {"top": 3}
    fragmenter = whoosh_highlight.ContextFragmenter(maxchars=40, surround=10)
    formatter = _MarkFormatter()
    expected = whoosh_highlight.highlight(
        text * 5, words, STEMMING_ANALYZER, fragmenter, formatter, **options
    )
    assert expected
    assert (
        whoosh_highlight.highlight(
            text * 5, words, _TOKENS, fragmenter, formatter, **options
        )
        == expected
    )


# Writing in batches and bulk


def test_write_batch_adds_and_deletes_in_one_commit(backend, pages, evidence_index):
    index = rebuild(backend)
    conferencing, parenting, _draft = pages
    kinship = EvidencePageFactory(parent=evidence_index, title="Kinship care")
    fostering = EvidencePageFactory(parent=evidence_index, title="Fostering panels")
    before = open_index(backend, index).latest_generation()
    backend.write_batch(
        [kinship, fostering], [(EvidencePage, parenting.pk), (Page, conferencing.pk)]
    )
    assert open_index(backend, index).latest_generation() == before + 1
    assert titles(backend.search(MATCH_ALL, EvidencePage)) == [
        "Fostering panels",
        "Kinship care",
        "Restorative conferencing draft",
    ]


def test_write_batch_leaves_out_an_object_it_cannot_build(
    backend, pages, evidence_index, monkeypatch
):
    rebuild(backend)
    kinship = EvidencePageFactory(parent=evidence_index, title="Kinship care")
    broken = EvidencePageFactory(parent=evidence_index, title="Broken page")
    original = whoosh_backend.index.ModelMapping.document_group

    def document_group(self, obj):
        if obj.pk == broken.pk:
            raise ValueError("cannot build")
        return original(self, obj)

    monkeypatch.setattr(
        whoosh_backend.index.ModelMapping, "document_group", document_group
    )
    failed = []
    backend.write_batch(
        [kinship, broken], [], on_error=lambda obj, error: failed.append(obj)
    )
    assert failed == [broken]
    assert titles(backend.search("kinship", EvidencePage)) == ["Kinship care"]
    with pytest.raises(ValueError, match="cannot build"):
        backend.write_batch([kinship, broken], [])


def test_a_build_in_several_segments_finds_everything_once(
    tmp_path, pages, evidence_index, monkeypatch
):
    backend = WhooshSearchBackend(
        {"PATH": tmp_path / "whoosh", "BUILD_LIMITMB": 1, "BUILD_OPTIMIZE": False}
    )
    for number in range(12):
        EvidencePageFactory(parent=evidence_index, title=f"Kinship care {number}")
    # A tiny writer fills up after a few pages: each then becomes a segment.
    monkeypatch.setattr(whoosh_backend.index.BulkBuild, "FULL", 0.01)
    # Each page comes twice, in two add_items() calls: the second replaces the first.
    index = rebuild(backend, chunks=1)
    rebuilder = backend.rebuilder_class(index)
    building = rebuilder.start()
    pages_now = list(EvidencePage.objects.order_by("pk"))
    building.add_items(EvidencePage, pages_now)
    renamed = pages_now[-1]
    renamed.title = "Renamed while building"  # in the index only
    building.add_items(EvidencePage, [renamed])
    rebuilder.finish()
    assert len(open_index(backend, index)._segments()) > 1
    assert backend.search("kinship", EvidencePage).count() == 11
    assert backend.search(MATCH_ALL, EvidencePage).count() == len(pages_now)
    assert [page.pk for page in backend.search("renamed", EvidencePage)] == [renamed.pk]


def test_spelling_words_are_written_once_and_still_suggest(backend, pages):
    index = rebuild(backend)
    with open_index(backend, index).searcher() as searcher:
        reader = searcher.reader()
        spelling = [name for name in reader.indexed_field_names() if "spell_" in name]
        assert spelling
        for name in spelling:
            for term in reader.lexicon(name):
                assert reader.doc_frequency(name, term) == 1
    assert backend.spelling_suggestion("coordinater", [EvidencePage]) == "coordinator"


# Reusing open searchers


def test_a_searcher_is_reused_until_the_index_changes(backend, pages, evidence_index):
    index = rebuild(backend)
    opened = []

    def searcher_of(reader):
        opened.append(reader.searcher)
        return reader.path

    first_path = backend.store.search(index.name, searcher_of)
    backend.store.search(index.name, searcher_of)
    assert opened[0] is opened[1]
    backend.add(EvidencePageFactory(parent=evidence_index, title="Kinship care"))
    backend.store.search(index.name, searcher_of)
    assert opened[2] is not opened[1]
    assert titles(backend.search("kinship", EvidencePage)) == ["Kinship care"]
    rebuild(backend)
    assert backend.store.search(index.name, searcher_of) != first_path
    assert opened[3] is not opened[2]
    assert titles(backend.search("kinship", EvidencePage)) == ["Kinship care"]
