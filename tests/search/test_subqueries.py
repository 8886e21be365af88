"""Filters' subqueries kept per content version (search/backends/whoosh/subqueries.py)."""

import pytest

from core import page_cache
from forum.models import Experiment
from notifications.models import Notification
from search.backends.whoosh.subqueries import SubqueryCache

pytestmark = pytest.mark.django_db


def _subquery():
    return Experiment.objects.filter(state="registered").values("pk").query


class Versions:
    """A version function that records what it was asked."""

    def __init__(self, version="v1"):
        self.token = version
        self.asked = []

    def __call__(self, models):
        self.asked.append(sorted(model.__name__ for model in models))
        if isinstance(self.token, Exception):
            raise self.token
        return self.token


def _translations(cache, times, key="column"):
    made = []

    def translate():
        made.append(object())
        return made[-1]

    results = [
        cache.translated(_subquery(), "default", key, translate) for _ in range(times)
    ]
    return results, made


def test_a_translation_is_kept_while_the_version_is_the_same():
    versions = Versions()
    cache = SubqueryCache(versions)
    results, made = _translations(cache, 3)
    assert len(made) == 1
    assert results == [made[0]] * 3
    assert versions.asked[0] == ["Experiment"]

    versions.token = "v2"
    results, made = _translations(cache, 2)
    assert len(made) == 1


def test_another_column_or_codec_is_another_translation():
    cache = SubqueryCache(Versions())
    _, first = _translations(cache, 1, key=("a", 1))
    _, second = _translations(cache, 1, key=("b", 1))
    assert len(first) == len(second) == 1


def test_no_version_or_a_failing_version_means_no_keeping(caplog):
    for token in (None, ConnectionError("cache server down")):
        _, made = _translations(SubqueryCache(Versions(token)), 2)
        assert len(made) == 2
    assert "No version for a filter's subquery" in caplog.text


def test_a_translation_is_kept_no_longer_than_its_seconds():
    _, made = _translations(SubqueryCache(Versions(), seconds=0), 2)
    assert len(made) == 2


def test_only_the_latest_translations_are_kept():
    versions = Versions()
    cache = SubqueryCache(versions)
    for number in range(SubqueryCache.SIZE + 1):
        _translations(cache, 1, key=number)
    _, made = _translations(cache, 1, key=0)  # the oldest was dropped
    assert len(made) == 1
    _, made = _translations(cache, 1, key=SubqueryCache.SIZE)
    assert made == []


def test_the_content_generation_covers_content_apps_only():
    generation = page_cache.generation()
    assert page_cache.generation_for([Experiment]) == generation
    # Notifications are not content: saving one gives no new generation.
    assert page_cache.generation_for([Experiment, Notification]) is None


def test_a_key_that_cannot_be_hashed_is_translated_every_time():
    cache = SubqueryCache(Versions())
    made = []
    for _ in range(2):
        cache.translated(_subquery(), "default", ["a", "list"], lambda: made.append(1))
    assert made == [1, 1]
