"""Spelling suggestions ("did you mean") from the words the indexes actually hold."""

import re

from modelsearch.backends.base import get_model_root

from .mapping import TEXT, TEXT_GROUP_PREFIX

WORD = re.compile(r"\w+", re.UNICODE)
MAX_EDIT_DISTANCE = 2


def _text_columns(schema) -> list[str]:
    return [
        name
        for name in schema.names()
        if name == TEXT or name.startswith(TEXT_GROUP_PREFIX)
    ]


def suggest(backend, query: str, models) -> str | None:
    """`query` with unknown words replaced by the closest indexed word, or None.

    A word counts as known when any column of any of the models' indexes holds it;
    only unknown words are corrected, so a correct query is never "corrected".
    """
    words = WORD.findall(query or "")
    if not words:
        return None
    lowered = [word.lower() for word in words]
    candidates: dict[str, list[str]] = {word: [] for word in lowered}

    def collect(reader):
        for column in _text_columns(reader.schema):
            corrector = reader.searcher.corrector(column)
            for word in lowered:
                candidates[word] += corrector.suggest(
                    word, limit=1, maxdist=MAX_EDIT_DISTANCE
                )

    for root in {get_model_root(model) for model in models}:
        backend.store.search(backend.get_index_for_model(root).name, collect)
    changed = False
    corrected = []
    for word in words:
        found = candidates[word.lower()]
        if word.lower() in found or not found:
            corrected.append(word)
        else:
            corrected.append(found[0])
            changed = True
    return " ".join(corrected) if changed else None
