"""Word lists from safeguarding/data/, read once per process and never fetched."""

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def _lines(name: str) -> list[str]:
    text = (DATA_DIR / name).read_text(encoding="utf-8")
    return [
        line.rstrip("\n")
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    ]


def fold(word: str) -> str:
    """``word`` without accents, so "Zoë" finds "Zoe" and "Siân" finds "Sian"."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def base(word: str) -> str:
    """``word`` without a possessive ending: "Amy's" -> "Amy"."""
    if word[-1] not in "s'’":
        return word
    for ending in ("'s", "’s", "'", "’"):
        if word.endswith(ending) and len(word) > len(ending):
            return word[: -len(ending)]
    return word


@cache
def first_names() -> dict[str, str]:
    """Given name -> care flag ("", "word", "cue" or "place"); see data/first_names.txt."""
    names = {}
    for line in _lines("first_names.txt"):
        name, _, flag = line.partition("\t")
        names[name.strip()] = flag.strip()
    return names


@cache
def surnames() -> frozenset[str]:
    return frozenset(line.strip() for line in _lines("surnames.txt"))


@cache
def not_names() -> frozenset[str]:
    return frozenset(word for line in _lines("not_names.txt") for word in line.split())


@dataclass(frozen=True)
class Place:
    name: str
    type: str  # "city", "town" or "la"
    is_la: bool
    needs_cue: bool


@cache
def places() -> dict[str, Place]:
    """Exact name (single spaces) -> Place; see data/places.tsv."""
    found = {}
    for line in _lines("places.tsv"):
        name, type_, *rest = line.split("\t")
        flags = set(rest[0].split(",")) if rest else set()
        found[name] = Place(
            name=name,
            type=type_,
            is_la=type_ == "la" or "la" in flags,
            needs_cue="cue" in flags,
        )
    return found


@cache
def place_index() -> dict[str, tuple[tuple[int, str, Place], ...]]:
    """First word -> (number of words, name, Place) for every place it starts, longest first."""
    index: dict[str, list[tuple[int, str, Place]]] = {}
    for name, place in places().items():
        words = _split_words(name)
        index.setdefault(words[0], []).append((len(words), name, place))
    return {
        first: tuple(sorted(found, key=lambda c: -c[0]))
        for first, found in index.items()
    }


_WORD = re.compile(r"[^\W_](?:[\w'’\-]*[^\W_])?")


def _split_words(phrase: str) -> list[str]:
    return _WORD.findall(phrase)


@cache
def school_types() -> dict[tuple[str, ...], str]:
    """Type words as a tuple ("Primary", "School") -> the rewrite to offer."""
    types = {}
    for line in _lines("school_types.tsv"):
        phrase, suggestion = line.split("\t")
        types[tuple(_split_words(phrase))] = suggestion
    return types


@cache
def school_generic_words() -> frozenset[str]:
    return frozenset(
        word for line in _lines("school_generic_words.txt") for word in line.split()
    )


@cache
def street_types() -> dict[str, str]:
    """Street type word -> "strong" or "weak"."""
    return dict(line.split("\t") for line in _lines("street_types.tsv"))


@cache
def street_generic_words() -> frozenset[str]:
    return frozenset(
        word for line in _lines("street_generic_words.txt") for word in line.split()
    )


@cache
def ethnicity_religion_terms() -> tuple[str, ...]:
    return tuple(line.strip() for line in _lines("ethnicity_religion.txt"))


@cache
def conditions() -> dict[str, str]:
    """Rare or distinctive condition (lower case) -> the rewrite to offer."""
    found = {}
    for line in _lines("conditions.tsv"):
        term, suggestion = line.split("\t")
        found[term.lower()] = suggestion
    return found


@cache
def _cue_sections() -> dict[str, frozenset[str]]:
    sections: dict[str, set[str]] = {}
    name = ""
    for line in _lines("cue_words.txt"):
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            name = line[1:-1]
            sections[name] = set()
        elif name.endswith("_phrases"):
            sections[name].add(line)  # one phrase a line
        else:
            sections[name].update(line.split())
    return {section: frozenset(words) for section, words in sections.items()}


def cue_words(section: str) -> frozenset[str]:
    """One [section] of data/cue_words.txt: "relations", "speech_verbs", "locatives"..."""
    return _cue_sections()[section]


@cache
def practice_phrases() -> tuple[str, ...]:
    return tuple(line.strip() for line in _lines("practice_phrases.txt"))
