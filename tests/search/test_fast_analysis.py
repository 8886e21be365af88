"""The writer's own analysis and postings (fastanalysis.py, postings.py, patches.py).

Each must give exactly what Whoosh's own code gives: the analysis is compared
with the field's index() and spellable_words(), and a segment written by our
writer with one written from the same documents by Whoosh's add_document() and
commit, file by file.
"""

import multiprocessing
import random
from pathlib import Path

import pytest
from whoosh import analysis, fields, writing
from whoosh import index as whoosh_index
from whoosh import query as whoosh_query

from search.backends.whoosh import codecs, mapping, patches, postings
from search.backends.whoosh.fastanalysis import TextAnalysis
from search.backends.whoosh.index import BulkBuild
from search.backends.whoosh.patches import SegmentWriter

TEXTS = [
    "",
    "   ...!!! ",
    "the and of a",  # stop words only
    "Hello World hello HELLO",
    "The family's café, naïve ÉCOLE; Straße and Œuvre",
    "3.141 1,000 2.5.6 e.g. U.K. a.b. ..x.. big-time under_score x*y",
    "don't won't it's O'Brien rock’n’roll",
    "Families family familial families' FAMILIES",
    "İstanbul ΟΔΟΣ. Σίσυφος ǅ ﬁnal ﬂow",
    "日本語のテキスト 中文 한국어",
    "one\ntwo\n\nthree\tfour",
    "the the cat the the cat on the mat",
    "x" * 30 + " abcdefghijklmnopqrstuvwxyz0123456789",
    "a I x y z 1 2 3",
]


def _random_texts(count, seed):
    rng = random.Random(seed)
    alphabet = "abcdeé ÉΣσ.,'-_*\n1İß"
    words = [
        "the",
        "of",
        "and",
        "family",
        "contact",
        "café",
        "naïve",
        "don't",
        "3.141",
        "x",
        "I",
        "Straße",
    ]
    texts = []
    for _ in range(count):
        texts.append("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))))
        texts.append(" ".join(rng.choice(words) for _ in range(rng.randint(0, 40))))
    return texts


FIELDS = {
    "catch_all": mapping._text_field(spelling=True),
    "stored": mapping._text_field(stored=True),
    "edge": mapping._edge_field(),
    "standard": fields.TEXT(),  # Whoosh's StandardAnalyzer: a stop filter of size 2
    "stemming": fields.TEXT(analyzer=analysis.StemmingAnalyzer(), spelling=True),
}


def _whoosh_analysis(field, text):
    items = list(field.index(text))
    length = sum(freq for _term, freq, _weight, _value in items)
    words = None
    if field.separate_spelling():
        words = [word.encode("utf-8") for word in field.spellable_words(text)]
    return items, length, words


def _typed(items):
    # == would let 1 == 1.0 pass; the index keeps the types.
    return [tuple((type(part), part) for part in item) for item in items]


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_analysis_is_whooshs(name):
    field = FIELDS[name]
    fast = TextAnalysis.for_field(field)
    assert fast is not None
    for text in TEXTS + _random_texts(150, seed=len(name)):
        items, length, words = fast.analyse(text, field.separate_spelling())
        want_items, want_length, want_words = _whoosh_analysis(field, text)
        assert _typed(items) == _typed(want_items), text
        assert length == want_length, text
        assert words == want_words, text


def test_analysis_repeated_text_and_shared_plans():
    shared = {}
    first = TextAnalysis.for_field(FIELDS["catch_all"], shared)
    second = TextAnalysis.for_field(FIELDS["stored"], shared)
    assert first is second  # one analyzer, one format: one plan for both
    text = TEXTS[4]
    assert first.analyse(text)[0] is second.analyse(text)[0]
    assert (
        first.analyse(text, True)[2] == _whoosh_analysis(FIELDS["catch_all"], text)[2]
    )


def test_analyzers_not_reproduced_are_left_to_whoosh():
    others = [
        fields.TEXT(analyzer=analysis.SpaceSeparatedTokenizer()),
        fields.TEXT(analyzer=analysis.RegexTokenizer() | analysis.IntraWordFilter()),
        fields.TEXT(analyzer=analysis.RegexTokenizer(gaps=True, expression=r"\s+")),
        fields.TEXT(chars=True),
        fields.TEXT(vector=True),
        fields.NGRAMWORDS(),
        fields.ID(),
        fields.KEYWORD(),
        fields.NUMERIC(),
    ]
    for field in others:
        assert TextAnalysis.for_field(field) is None, field


# Segments


def _schema():
    return fields.Schema(
        ms__pk=fields.ID(stored=True, unique=True),
        ms__owner=fields.ID(),
        ms__pkv=fields.NUMERIC(int, bits=64, signed=True, sortable=True),
        ms__ct=codecs.list_field(),
        ms__text=mapping._text_field(spelling=True),
        ms__text_b3=mapping._text_field(spelling=True),
        ms__edge=mapping._edge_field(),
        title=mapping._text_field(stored=True),
        title_edgengrams=mapping._edge_field(),
        body=mapping._text_field(stored=True),
        tags=fields.KEYWORD(stored=True, scorable=True),  # left to Whoosh
        when=fields.NUMERIC(int, bits=64, signed=True, sortable=True),
        sizes=fields.NUMERIC(int, bits=64, signed=True),
    )


def _documents(count, seed, same_text):
    rng = random.Random(seed)
    words = [
        "the",
        "of",
        "and",
        "family",
        "families",
        "contact",
        "cancellations",
        "café",
        "naïve",
        "ÉCOLE",
        "Straße",
        "3.141",
        "don't",
        "O'Brien",
        "a",
        "I",
        "x",
        "Σίσυφος",
        "İstanbul",
        "under_score",
        "日本語",
    ] + [f"w{number}" for number in range(400)]

    def text(count):
        return " ".join(
            rng.choice(words) + rng.choice(["", "", "", ",", ".", "\n"])
            for _ in range(count)
        )

    docs = []
    for number in range(count):
        title = text(rng.randint(0, 8))
        # Some terms in over a block's worth (128) of documents.
        body = text(rng.randint(0, 300))
        doc = {
            "ms__pk": str(number),
            "ms__owner": str(number),
            "ms__pkv": number,
            "ms__ct": "forum.Experiment\x1fforum.Base",
            "ms__text": body if same_text else body + "\nrelated " + text(3),
            "ms__text_b3": title,
            "ms__edge": title,
            "title": title,
            "title_edgengrams": title,
            "body": body,
            "tags": text(2),
            "when": rng.randint(-(10**12), 10**12),
            "sizes": [rng.randint(0, 9) for _ in range(rng.randint(1, 3))],
        }
        if not same_text and rng.random() < 0.1:
            del doc["body"]
        if not same_text and rng.random() < 0.1:
            doc["body"] = ""
        docs.append(doc)
    return docs


def _write(path, docs, whooshs, limitmb=128):
    path.mkdir()
    index = whoosh_index.create_in(str(path), _schema())
    writer = SegmentWriter(index, limitmb=limitmb)
    for doc in docs:
        if whooshs:
            writing.SegmentWriter.add_document(writer, **doc)
        else:
            writer.add_document(**doc)
    writer.commit(merge=False)
    return path


def _segment_files(path):
    # By extension and column name: segment names are random.
    files = {}
    for file in Path(path).iterdir():
        if file.suffix in (".toc", "") or "LOCK" in file.name:
            continue
        files[file.name.split(".", 1)[1]] = file.read_bytes()
    return files


def _contents(path):
    """Everything a reader sees: term infos (but where blocks are), postings,
    stored fields, lengths and columns."""
    reader = whoosh_index.open_dir(str(path)).reader()
    terms = {}
    for fieldname, term in reader.all_terms():
        info = reader.term_info(fieldname, term)
        matcher = reader.postings(fieldname, term)
        first_block = (
            matcher.block_max_weight(),
            matcher.block_min_length(),
            matcher.block_max_length(),
        )
        terms[fieldname, term] = (
            info.weight(),
            info.doc_frequency(),
            info.min_length(),
            info.max_length(),
            info.max_weight(),
            info.min_id(),
            info.max_id(),
            first_block,
            list(matcher.all_items()),
        )
    stored = list(reader.all_stored_fields())
    lengths = {
        name: [reader.doc_field_length(n, name) for n in range(reader.doc_count_all())]
        for name in reader.schema.scorable_names()
    }
    return terms, stored, lengths


@pytest.mark.parametrize("same_text", [False, True])
def test_segment_is_whooshs_byte_for_byte(tmp_path, monkeypatch, same_text):
    patches.apply()
    # With each value its own bytes object, as Whoosh makes them, and blocks
    # pickled as Whoosh pickles them, pickle writes the very same blocks.
    monkeypatch.setattr(TextAnalysis, "share_values", False)
    monkeypatch.setattr(postings, "BLOCK_PICKLE_PROTOCOL", 2)
    monkeypatch.setattr(postings, "COMPRESS_FROM", 0)
    docs = _documents(400, seed=3, same_text=same_text)
    theirs = _segment_files(_write(tmp_path / "whoosh", docs, whooshs=True))
    ours = _segment_files(_write(tmp_path / "ours", docs, whooshs=False))
    assert sorted(ours) == sorted(theirs)
    for name in theirs:
        assert ours[name] == theirs[name], name


def test_blocks_pickled_as_arrays_read_the_same(tmp_path, monkeypatch):
    patches.apply()
    monkeypatch.setattr(TextAnalysis, "share_values", False)
    docs = _documents(400, seed=3, same_text=False)
    whooshs = _write(tmp_path / "whoosh", docs, whooshs=True)
    ours = _write(tmp_path / "ours", docs, whooshs=False)
    assert _contents(ours) == _contents(whooshs)
    theirs_files, our_files = _segment_files(whooshs), _segment_files(ours)
    assert sorted(our_files) == sorted(theirs_files)
    for name in theirs_files:
        if name == "pst":
            # Smaller: the arrays' bytes, not a list of Python numbers, and
            # short blocks left uncompressed.
            assert len(our_files[name]) < len(theirs_files[name])
        elif name == "trm":
            # The same entries, pointing at other places in the postings.
            assert our_files[name] != theirs_files[name]
            assert len(our_files[name]) == len(theirs_files[name])
        else:
            assert our_files[name] == theirs_files[name], name


def test_segment_with_shared_values_reads_the_same(tmp_path):
    patches.apply()
    docs = _documents(300, seed=4, same_text=True)
    theirs = _contents(_write(tmp_path / "whoosh", docs, whooshs=True))
    ours = _contents(_write(tmp_path / "ours", docs, whooshs=False))
    assert ours == theirs


def test_a_full_pool_and_boosted_documents_go_through_whoosh(tmp_path):
    patches.apply()
    docs = _documents(200, seed=5, same_text=False)
    docs[7]["_boost"] = 2.0
    docs[9]["_stored_title"] = "another title"
    theirs = _contents(_write(tmp_path / "whoosh", docs, whooshs=True, limitmb=1))
    ours = _contents(_write(tmp_path / "ours", docs, whooshs=False, limitmb=1))
    assert ours == theirs


def test_merging_segments_keeps_the_postings(tmp_path):
    patches.apply()
    docs = _documents(150, seed=6, same_text=True)

    def build(path, whooshs):
        path.mkdir()
        index = whoosh_index.create_in(str(path), _schema())
        for start in (0, 50, 100):
            writer = SegmentWriter(index)
            for doc in docs[start : start + 50]:
                if whooshs:
                    writing.SegmentWriter.add_document(writer, **doc)
                else:
                    writer.add_document(**doc)
            # The last commit merges the small segments into the new one.
            writer.commit(optimize=start == 100)
        return path

    ours = _contents(build(tmp_path / "ours", False))
    assert ours == _contents(build(tmp_path / "whoosh", True))
    assert len(whoosh_index.open_dir(str(tmp_path / "ours"))._segments()) == 1


def test_documents_skip_the_pool(tmp_path):
    patches.apply()
    index = whoosh_index.create_in(str(tmp_path), _schema())
    writer = SegmentWriter(index)
    for doc in _documents(20, seed=7, same_text=True):
        writer.add_document(**doc)
    assert not writer.pool.current and not writer.pool.runs
    assert writer.pool.currentsize > 0  # counted, for BulkBuild's commits
    writer.commit()
    assert whoosh_index.open_dir(str(tmp_path)).doc_count() == 20


def _postings_by_pk(path):
    """{(field, term): {pk: (weight, value)}}: postings whatever the doc numbers."""
    reader = whoosh_index.open_dir(str(path)).reader()
    pks = {number: stored["ms__pk"] for number, stored in reader.iter_docs()}
    found = {}
    for fieldname, term in reader.all_terms():
        if fieldname.startswith("spell_"):
            found[fieldname, term] = True  # only which words exist matters
            continue
        matcher = reader.postings(fieldname, term)
        found[fieldname, term] = {
            pks[number]: (weight, value) for number, weight, value in _items(matcher)
        }
    return found


def _items(matcher):
    while matcher.is_active():
        yield matcher.id(), matcher.weight(), matcher.value()
        matcher.next()


def _parallel_groups(monkeypatch, count, seed, *, same_text, parallel_from, full=None):
    """Groups of `count` documents, for builds that go parallel past `parallel_from`
    objects (and commit a segment at `full` of their memory)."""
    patches.apply()
    monkeypatch.setattr(BulkBuild, "PARALLEL_FROM", parallel_from)
    if full is not None:
        monkeypatch.setattr(BulkBuild, "FULL", full)
    docs = _documents(count, seed=seed, same_text=same_text)
    return {doc["ms__pk"]: [doc] for doc in docs}


def _build(path, groups, procs, **options):
    path.mkdir(exist_ok=True)
    whoosh_index.create_in(str(path), _schema())
    bulk = BulkBuild(path, procs=procs, **options)
    for start in range(0, len(groups), 40):  # as update_index sends chunks
        bulk.add(dict(list(groups.items())[start : start + 40]))
    bulk.finish()
    return bulk


def test_a_parallel_build_writes_what_one_process_writes(tmp_path, monkeypatch):
    groups = _parallel_groups(monkeypatch, 400, 8, same_text=True, parallel_from=60)

    _build(tmp_path / "single", groups, 1)
    _build(tmp_path / "double", groups, 2)

    segments = whoosh_index.open_dir(str(tmp_path / "double"))._segments()
    # The first objects in this process, the rest in two others, a segment each.
    assert len(segments) == 3
    assert sum(segment.doc_count() for segment in segments) == 400
    assert _postings_by_pk(tmp_path / "double") == _postings_by_pk(tmp_path / "single")


def test_a_parallel_build_gives_the_same_document_order_every_time(
    tmp_path, monkeypatch
):
    groups = _parallel_groups(
        monkeypatch, 300, 13, same_text=True, parallel_from=0, full=0.002
    )

    def order(path):
        reader = whoosh_index.open_dir(str(path)).reader()
        return [stored["ms__pk"] for _number, stored in reader.iter_docs()]

    _build(tmp_path / "first", groups, 2)
    _build(tmp_path / "second", groups, 2)
    first = order(tmp_path / "first")
    assert sorted(first, key=int) == [str(number) for number in range(300)]
    assert order(tmp_path / "second") == first


def test_a_parallel_build_writes_a_segment_each_time_a_process_fills_up(
    tmp_path, monkeypatch
):
    groups = _parallel_groups(
        monkeypatch, 120, 10, same_text=False, parallel_from=0, full=0.0001
    )

    _build(tmp_path / "single", groups, 1)
    bulk = _build(tmp_path / "double", groups, 2)

    segments = whoosh_index.open_dir(str(tmp_path / "double"))._segments()
    assert len(segments) > 2
    assert bulk.commits == len(segments)
    assert _postings_by_pk(tmp_path / "double") == _postings_by_pk(tmp_path / "single")


def test_an_object_repeated_in_a_parallel_build_keeps_its_last_version(
    tmp_path, monkeypatch
):
    groups = _parallel_groups(monkeypatch, 60, 11, same_text=True, parallel_from=10)
    changed = {
        pk: [{**group[0]} for _ in group] for pk, group in list(groups.items())[:3]
    }
    for pk, group in changed.items():
        # The same object, listed again (a subclass's chunk), with other text.
        group[0]["ms__text"] = f"repeated{pk}"

    for path, procs in ((tmp_path / "single", 1), (tmp_path / "double", 2)):
        path.mkdir()
        whoosh_index.create_in(str(path), _schema())
        bulk = BulkBuild(path, procs=procs)
        bulk.add(dict(list(groups.items())[:5]))
        bulk.add(dict(list(groups.items())[5:]))
        bulk.add(changed)
        bulk.finish()

    index = whoosh_index.open_dir(str(tmp_path / "double"))
    assert index.doc_count() == 60
    with index.searcher() as searcher:
        for pk in changed:
            found = searcher.search(whoosh_query.Term("ms__text", f"repeated{pk}"))
            assert [hit["ms__pk"] for hit in found] == [pk]
    assert _postings_by_pk(tmp_path / "double") == _postings_by_pk(tmp_path / "single")


def test_a_failed_build_process_stops_the_build_with_its_reason(tmp_path, monkeypatch):
    patches.apply()
    monkeypatch.setattr(BulkBuild, "PARALLEL_FROM", 0)
    whoosh_index.create_in(str(tmp_path), _schema())
    bulk = BulkBuild(tmp_path, procs=2)
    docs = _documents(20, seed=12, same_text=True)
    # A field the schema lacks: the process that analyses it fails.
    docs[7]["no_such_field"] = "x"
    bulk.add({doc["ms__pk"]: [doc] for doc in docs})
    with pytest.raises(
        RuntimeError, match="(?s)index build process failed.*no_such_field"
    ):
        bulk.finish()
    assert all(
        not process.is_alive()
        for process in multiprocessing.active_children()
        if process.name.startswith("index-build-")
    )
    # Nothing of it reached the index.
    assert whoosh_index.open_dir(str(tmp_path)).doc_count() == 0


def test_a_daemonic_process_builds_in_one_process(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from search.backends.whoosh import index as index_module

    monkeypatch.setattr(BulkBuild, "PARALLEL_FROM", 0)
    monkeypatch.setattr(
        index_module.multiprocessing,
        "current_process",
        lambda: SimpleNamespace(daemon=True),
    )
    whoosh_index.create_in(str(tmp_path), _schema())
    bulk = BulkBuild(tmp_path, procs=2)
    bulk.add({doc["ms__pk"]: [doc] for doc in _documents(5, seed=9, same_text=True)})
    assert bulk.workers is None
    assert type(bulk.writer) is SegmentWriter
    bulk.finish()
    assert whoosh_index.open_dir(str(tmp_path)).doc_count() == 5
