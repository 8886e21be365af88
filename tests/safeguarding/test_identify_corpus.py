"""Precision and recall of the identifiability check on the labelled corpus.

Run with ``pytest -s tests/safeguarding/test_identify_corpus.py`` to see the table;
``corpus_table()`` returns the same text for a release note.
"""

import pytest

from safeguarding.identify import BLOCK_KINDS, WARN_KINDS

from .corpus import CLEAN, CORPUS, IDENTIFYING
from .scoring import (
    CLASSES,
    MAX_FALSE_ALARM_RATE,
    RECALL_FLOORS,
    corpus_report,
    corpus_table,
    score_corpus,
)

__all__ = ["corpus_table"]


@pytest.fixture(scope="module")
def corpus_score():
    """The check run once over the whole corpus."""
    result = score_corpus()
    print("\n" + corpus_table(result))
    return result


def test_the_corpus_is_big_enough_and_mostly_clean_practice():
    assert len(CORPUS) >= 300
    assert len(CLEAN) >= 150
    assert len({sentence.text for sentence in CORPUS}) == len(CORPUS), (
        "a sentence appears twice"
    )


def test_every_label_names_a_known_kind():
    kinds = set(BLOCK_KINDS) | set(WARN_KINDS)
    for sentence in IDENTIFYING:
        assert sentence.expected, sentence.text
        for kind, _substring in sentence.expected:
            assert kind in kinds, (kind, sentence.text)


def test_every_block_class_is_in_the_corpus(corpus_score):
    for kind in BLOCK_KINDS:
        assert corpus_score.classes[kind].expected >= 5, kind


@pytest.mark.parametrize("cls", list(RECALL_FLOORS))
def test_recall_meets_its_floor(corpus_score, cls):
    score = corpus_score.classes[cls]
    missed = [(sub, text) for c, sub, text in corpus_score.misses if c == cls]
    assert score.recall >= RECALL_FLOORS[cls], (
        f"{cls} recall {score.recall:.1%}; missed {missed}"
    )


def test_false_alarms_on_clean_practice_text_stay_under_the_ceiling(corpus_score):
    rate = corpus_score.false_alarm_rate
    assert rate <= MAX_FALSE_ALARM_RATE, corpus_report(corpus_score)


def test_the_table_lists_every_class(corpus_score):
    table = corpus_table(corpus_score)
    for cls in CLASSES:
        assert cls in table
    assert "false alarms on clean text" in table
