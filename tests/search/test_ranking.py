"""Array ranking (search/backends/whoosh/ranking.py) against Whoosh's own search.

The same queries run through both on the same index: one segment and several,
with deleted documents, postings long enough to span many blocks and short
enough to be kept in the term info, boosts, and filters. The documents, the
scores and their order must agree with Whoosh's exhaustive search (every match
scored, then sorted). Whoosh's search with a limit prunes matchers as it goes,
and for an "and" of "or"s that pruning can drop the best matches; one test
shows that, and that the ranking here does not.
"""

import math
import random
import uuid

import pytest
from whoosh import fields, query
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import RamStorage

from search.backends.whoosh.queries import TermSet
from search.backends.whoosh.ranking import (
    SEGMENT_CACHE,
    Ranker,
    _postings_arrays,
    _postings_by_matcher,
    _segment_id,
)

# A skewed vocabulary: a few words are in most documents, most words in few.
WORDS = [f"w{rank}" for rank in range(5000)]
WEIGHTS = [1 / (rank + 1) for rank in range(5000)]


def _schema():
    return fields.Schema(
        pk=fields.ID(stored=True, unique=True),
        title=fields.TEXT(),
        body=fields.TEXT(),
        kind=fields.ID(),
    )


def _document(rng, number):
    def words(count):
        return " ".join(rng.choices(WORDS, weights=WEIGHTS, k=count))

    return {
        "pk": str(number),
        "title": words(rng.randint(0, 8)),
        "body": words(rng.randint(5, 300)),
        "kind": rng.choice(["experiment", "reply"]),
    }


def _name():
    # Whoosh's writer spills to a folder in /tmp named after the index: one
    # name per index keeps parallel test processes apart.
    return f"ranking_{uuid.uuid4().hex}"


def _build(segments, deletions, seed=7):
    rng = random.Random(seed)
    index = whoosh_index.FileIndex.create(RamStorage(), _schema(), _name())
    number = 0
    for size in segments:
        writer = index.writer()
        for _ in range(size):
            writer.add_document(**_document(rng, number))
            number += 1
        # Keep every segment: merging would hide the multi-segment case.
        writer.commit(merge=False)
    if deletions:
        writer = index.writer()
        for pk in rng.sample(range(number), deletions):
            writer.delete_by_term("pk", str(pk))
        writer.commit(merge=False)
    return index


def _random_query(rng):
    def term():
        field, boost = rng.choice([("title", 2.0), ("body", 1.0)])
        word = rng.choices(WORDS + ["absent"], weights=WEIGHTS + [0.05])[0]
        return query.Term(field, word, boost=boost)

    def word():
        return query.Or([term(), term()])

    parts = [word() for _ in range(rng.randint(1, 3))]
    if len(parts) == 1:
        return parts[0]
    return rng.choice([query.And, query.Or])(parts)


@pytest.fixture(
    scope="module",
    params=[((1500,), 0), ((700, 500, 300), 150)],
    ids=["one-segment", "three-segments-with-deletions"],
)
def index(request):
    segments, deletions = request.param
    return _build(segments, deletions)


def _whoosh_top(searcher, q, allowed, limit):
    """Whoosh's ranking with every match scored: score, then document number."""
    hits = searcher.search(q, filter=allowed or None, limit=None)
    return [(hit.docnum, hit.score) for hit in hits][:limit]


def _assert_same_ranking(ours, theirs):
    assert [docnum for docnum, _ in ours] == [docnum for docnum, _ in theirs]
    for (_, our_score), (_, their_score) in zip(ours, theirs, strict=True):
        assert math.isclose(our_score, their_score, rel_tol=1e-12)


def test_the_indexes_have_what_the_comparison_needs():
    one = _build((1500,), 0)
    assert one.doc_count_all() == 1500
    with one.searcher() as searcher:
        # Posting lists of many blocks.
        assert searcher.reader().doc_frequency("body", "w0") > 500
    several = _build((700, 500, 300), 150)
    assert several.doc_count() == 1350
    with several.searcher() as searcher:
        assert len(searcher.leaf_searchers()) == 3


def test_block_decoding_reads_what_whooshs_matcher_reads(index):
    with index.searcher() as searcher:
        for leaf, _offset in searcher.leaf_searchers():
            reader = leaf.reader()
            for btext in [b"w0", b"w3", b"w50", b"w4000"]:
                if ("body", btext) not in reader:
                    continue
                SEGMENT_CACHE.clear()
                ids, weights = _postings_arrays(
                    reader, _segment_id(reader), "body", btext
                )
                # Whoosh's own matcher, before deletions are filtered out.
                by_matcher = _postings_by_matcher(
                    reader._terms.matcher("body", btext, reader.schema["body"].format)
                )
                assert ids.tolist() == by_matcher[0].tolist()
                assert weights.tolist() == by_matcher[1].tolist()


@pytest.mark.parametrize("seed", range(4))
def test_top_twenty_and_scores_are_whooshs(index, seed):
    rng = random.Random(seed)
    with index.searcher() as searcher:
        ranker = Ranker(searcher)
        everything = ranker.mask(None, set(range(searcher.doc_count_all())))
        for _ in range(40):
            q = _random_query(rng)
            assert ranker.supports(q)
            ours = ranker.top(q, everything, 20)
            theirs = _whoosh_top(searcher, q, None, 20)
            _assert_same_ranking(ours, theirs)


def test_every_match_in_order_and_the_count(index):
    rng = random.Random(99)
    with index.searcher() as searcher:
        ranker = Ranker(searcher)
        everything = ranker.mask(None, set(range(searcher.doc_count_all())))
        for _ in range(20):
            q = _random_query(rng)
            ours = ranker.top(q, everything, None)
            theirs = _whoosh_top(searcher, q, None, None)
            _assert_same_ranking(ours, theirs)
            assert int(ranker.matches(q, everything).sum()) == len(
                searcher.search(q, limit=None, scored=False)
            )


def test_a_filter_keeps_only_the_documents_it_allows(index):
    rng = random.Random(5)
    with index.searcher() as searcher:
        ranker = Ranker(searcher)
        replies = set(searcher.docs_for_query(query.Term("kind", "reply")))
        allowed = ranker.mask("replies", replies)
        for _ in range(20):
            q = _random_query(rng)
            ours = ranker.top(q, allowed, 10)
            assert {docnum for docnum, _ in ours} <= replies
            _assert_same_ranking(ours, _whoosh_top(searcher, q, replies, 10))


def test_deleted_documents_are_never_found():
    index = _build((400, 400), deletions=300, seed=3)
    with index.searcher() as searcher:
        reader = searcher.reader()
        deleted = {
            docnum
            for docnum in range(reader.doc_count_all())
            if reader.is_deleted(docnum)
        }
        assert deleted
        ranker = Ranker(searcher)
        everything = ranker.mask(None, set(range(reader.doc_count_all())))
        found = {
            docnum
            for docnum, _ in ranker.top(query.Term("body", "w0"), everything, None)
        }
        assert found
        assert not found & deleted


def test_the_best_match_of_an_and_query_is_not_pruned():
    index = _build((1500,), 0)
    q = query.And(
        [
            query.Or([query.Term("body", "w0"), query.Term("body", "w7")]),
            query.Or([query.Term("body", "w339"), query.Term("body", "w26")]),
        ]
    )
    with index.searcher() as searcher:
        best = _whoosh_top(searcher, q, None, 1)[0][0]
        # Whoosh's own top 20 leaves it out: it turns an "or" whose parts each
        # score below the 20th best into an "and", though their sum does not.
        assert best not in [hit.docnum for hit in searcher.search(q, limit=20)]
        ranker = Ranker(searcher)
        everything = ranker.mask(None, set(range(searcher.doc_count_all())))
        assert ranker.top(q, everything, 20)[0][0] == best


def test_ties_are_ordered_by_document_number():
    index = whoosh_index.FileIndex.create(RamStorage(), _schema(), _name())
    with index.writer() as writer:
        for number in range(30):
            writer.add_document(pk=str(number), title="same words", body="same")
    with index.searcher() as searcher:
        ranker = Ranker(searcher)
        everything = ranker.mask(None, set(range(30)))
        ours = ranker.top(query.Term("body", "same"), everything, 7)
        assert [docnum for docnum, _ in ours] == list(range(7))
        _assert_same_ranking(
            ours, _whoosh_top(searcher, query.Term("body", "same"), None, 7)
        )


@pytest.mark.parametrize(
    "q",
    [
        query.Phrase("body", ["w1", "w2"]),
        query.Prefix("body", "w1"),
        query.FuzzyTerm("body", "w10"),
        query.Every(),
        query.Not(query.Term("body", "w1")),
        query.Or([query.Term("body", "w1")], scale=0.5),
        query.And([query.Term("body", "w1"), query.Term("body", "w2")], boost=2.0),
        query.Term("kind", "reply"),  # not a scored text field
        query.Term("nowhere", "w1"),
    ],
    ids=str,
)
def test_queries_it_cannot_rank_exactly_are_left_to_whoosh(index, q):
    with index.searcher() as searcher:
        assert not Ranker(searcher).supports(q)


def test_a_term_set_finds_what_an_or_of_terms_finds(index):
    pks = [str(number) for number in range(0, 1500, 7)] + ["no such document"]
    with index.searcher() as searcher:
        ours = set(searcher.docs_for_query(TermSet("pk", pks)))
        theirs = set(
            searcher.docs_for_query(query.Or([query.Term("pk", pk) for pk in pks]))
        )
        assert ours and ours == theirs
        # As a filter inside other queries, and negated.
        replies = query.Term("kind", "reply")
        assert set(
            searcher.docs_for_query(query.And([replies, TermSet("pk", pks)]))
        ) == {
            docnum
            for docnum in theirs
            if docnum in set(searcher.docs_for_query(replies))
        }
        everything = set(searcher.docs_for_query(query.Every()))
        assert (
            set(
                searcher.docs_for_query(query.AndNot(query.Every(), TermSet("pk", pks)))
            )
            == everything - theirs
        )
        assert list(searcher.docs_for_query(TermSet("nowhere", pks))) == []


def test_term_sets_are_equal_when_their_terms_are():
    # What lets a filter with thousands of values be found again in the cache.
    assert TermSet("pk", ["1", "2", "3"]) == TermSet("pk", ("3", "2", "1"))
    assert hash(TermSet("pk", ["1", "2"])) == hash(TermSet("pk", ["2", "1"]))
    assert TermSet("pk", ["1", "2"]) != TermSet("pk", ["1", "3"])
    assert TermSet("pk", ["1", "2"]) != TermSet("owner", ["1", "2"])
