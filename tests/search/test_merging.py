"""How writes outside a rebuild merge segments (search/backends/whoosh/merging.py)."""

import pytest
from whoosh import fields
from whoosh import index as whoosh_index

from search.backends.whoosh import merging, patches
from search.backends.whoosh.patches import SegmentWriter
from search.backends.whoosh.storage import IndexStore

SCHEMA = fields.Schema(pk=fields.ID(stored=True, unique=True), text=fields.TEXT())


@pytest.fixture
def store(tmp_path, monkeypatch):
    """An index of three segments of SMALL documents each, as a rebuild leaves."""
    patches.apply()
    monkeypatch.setattr(merging, "SMALL", 30)
    store = IndexStore(tmp_path)
    build = store.new_build("things")
    store.create(build, SCHEMA)
    index = whoosh_index.open_dir(str(build))
    for start in (0, 30, 60):
        writer = SegmentWriter(index)
        for number in range(start, start + 30):
            writer.add_document(pk=str(number), text=f"thing number{number}")
        writer.commit(merge=False)
    store.publish("things", build)
    return store


def _segments(store):
    return whoosh_index.open_dir(str(store.current("things")))._segments()


def _write(store, pk, text):
    def action(writer):
        writer.update_document(pk=pk, text=text)

    store.write("things", action, timeout=5)


def _found(store, word):
    from whoosh.query import Term

    with whoosh_index.open_dir(str(store.current("things"))).searcher() as searcher:
        return sorted(
            hit["pk"] for hit in searcher.search(Term("text", word), limit=None)
        )


def test_writes_never_merge_the_large_segments_of_a_rebuild(store):
    large = {segment.segid for segment in _segments(store)}
    for number in range(100, 140):
        _write(store, str(number), f"thing new{number}")
    segments = _segments(store)
    # Whoosh's own policy would have merged them all by now (at about twenty
    # segments). Here the forty one-document segments were merged ten (and the
    # next write's document) at a time: three of 11, and the last seven.
    assert large <= {segment.segid for segment in segments}
    small = [
        segment.doc_count_all() for segment in segments if segment.segid not in large
    ]
    assert sorted(small) == [1] * 7 + [11] * 3
    assert len(_found(store, "thing")) == 130


def test_a_tier_of_small_segments_is_merged_when_it_fills(store):
    for number in range(100, 100 + merging.MERGE_AT):
        _write(store, str(number), "small")
    assert len(_segments(store)) == 3 + merging.MERGE_AT
    _write(store, "200", "small")
    # The ten one-document segments and the next write's document, in one.
    segments = _segments(store)
    assert len(segments) == 4
    assert segments[-1].doc_count_all() == merging.MERGE_AT + 1
    assert len(_found(store, "small")) == merging.MERGE_AT + 1


def test_a_segment_with_every_document_deleted_is_dropped(store):
    for number in (100, 101):
        _write(store, str(number), "first")
    firsts = {segment.segid for segment in _segments(store)[3:]}
    # Replacing both leaves their two segments with nothing: both go.
    for number in (100, 101):
        _write(store, str(number), "second")
    segments = {segment.segid for segment in _segments(store)}
    assert len(segments) == 5
    assert not firsts & segments
    assert _found(store, "first") == []
    assert _found(store, "second") == ["100", "101"]


def test_tiers_are_powers_of_ten():
    assert [merging.tier(count) for count in (0, 1, 9, 10, 99, 100, 999)] == [
        0,
        0,
        0,
        1,
        1,
        2,
        2,
    ]
