"""Quasi-identifiers: details harmless alone that identify a child in combination.

Exact age, ethnicity or faith, a large sibling group, a rare condition, a small area, a
newsworthy event. Each is a warning; three or more in one post send it to pre-moderation.
"""

import re
from collections.abc import Iterator
from functools import cache

from ..findings import WARN, Finding, make_finding
from ..lexicon import conditions, ethnicity_religion_terms
from ..textscan import Doc
from .bands import age_band_phrase, year_old_phrase

_NUMBER_NAMES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
)
NUMBER_WORDS = {word: value for value, word in enumerate(_NUMBER_NAMES.split())}
_NUM = r"(?:\d{1,2}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
_RANGE_AFTER = r"(?!\s*(?:-|–|—|to|or|\+)\s*" + _NUM + r"\b)(?!\s*-\s*year)"
_NOT_RANGE_END = r"(?<![\d\-–])(?<!to )(?<!and )(?<!or )(?<!between )"

_AGE_NOT_COUNT = (
    r"(?!\s*(?:%|per|times|minutes|mins|hours|days|weeks|months|years|am|pm|miles|metres|out of|of|"
    r"-|–|:|\.\d|st|nd|rd|th|(?:or|to|and)\s+(?:\d|" + "|".join(NUMBER_WORDS) + r")\b))"
)
# Each age pattern runs only near its anchor, a cheap literal: (pattern, style, anchor,
# characters to look back from the anchor, characters to look on past it).
AGE_PATTERNS = (
    # "aged 7", "age seven", "aged 15 years", "at the age of 9" (not "aged 10-12")
    (re.compile(r"(?i)\b(?:aged|age|at the age of)\s+(?P<n>" + _NUM + r")\b" + _RANGE_AFTER
                + r"(?:\s+(?P<unit>years?|months?|weeks?)(?:\s+old)?)?"), "aged", re.compile(r"(?i)\bage"), 7, 60),
    # "7 years old", "nine months old"
    (re.compile(r"(?i)" + _NOT_RANGE_END + r"\b(?P<n>" + _NUM + r")\s+(?P<unit>years?|months?|weeks?)\s+old\b"),
     "aged", re.compile(r"(?i)old\b"), 30, 2),
    # "7-year-old", "seven year old", "18-month-old" (not "16-year-olds" or "6-11-year-old")
    (re.compile(r"(?i)" + _NOT_RANGE_END + r"\b(?P<n>" + _NUM + r")[\s-](?P<unit>year|month|week)s?[\s-]old\b(?!s)"),
     "year_old", re.compile(r"(?i)old\b"), 30, 2),
    # "she was 17", "her brother is 15": checked for a person just before, below
    (re.compile(r"(?i)\b(?:is|was|were|are)(?:\s+(?:now|only|just))?\s+(?P<n>" + _NUM + r")\b" + _AGE_NOT_COUNT),
     "number", None, 0, 0),
    # "her 16th birthday", "turned 7"
    (re.compile(r"(?i)\b(?P<n>\d{1,2})(?:st|nd|rd|th)\s+birthday\b"), "none", re.compile(r"(?i)birthday"), 8, 9),
    (re.compile(r"(?i)\b(?:turned|turns|turning)\s+(?P<n>" + _NUM + r")\b(?!\s*(?:%|per|times|minutes|hours|days|weeks))"),
     "none", None, 0, 0),
)  # fmt: skip
_PERSON_BEFORE = re.compile(
    r"(?i)\b(?:he|she|they|child|boy|girl|baby|person|teenager|son|daughter|brother|sister|mum|dad|"
    r"mother|father|sibling|twin|nephew|niece)\s+$"
)
# "Muslim families", "the Roma community": practice about a group, not about one family.
_GROUP_NOUN = re.compile(
    r"\s+(?:[a-z]+\s+)?(?:families|children|communities|community|people|parents|groups?|boys|"
    r"girls|men|women|pupils|students|practitioners|colleagues|staff|workers|households|"
    r"populations|carers|speakers|organisations|services|heritage children)\b"
)
_SKIN_TERMS = re.compile(
    r"\b(?:Black|White|Asian|Mixed)(?:\s+(?:British|African|Caribbean|Irish|European|Other))?"
    r"(?=\s+(?:boy|girl|child|baby|teenager|young (?:man|woman|person)|man|woman|mum|mother|dad|"
    r"father|parent|family|pupil|student|lad|toddler|infant|carer|teen)\b)"
)
_NUMBER_5_PLUS = r"(?:[5-9]|1\d|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen)"
SIBLING_PATTERNS = (
    re.compile(r"(?i)\bone of " + _NUMBER_5_PLUS + r"(?: \w+)? (?:children|siblings|brothers|sisters|kids)\b"),
    re.compile(r"(?i)\b(?:eldest|oldest|youngest|middle|second|third) of " + _NUMBER_5_PLUS + r"\b"),
    re.compile(r"(?i)\bsibling group of " + _NUMBER_5_PLUS + r"\b"),
    re.compile(r"(?i)\bfamily of (?:[7-9]|1\d|seven|eight|nine|ten|eleven|twelve)\b"),
    re.compile(r"(?i)\b" + _NUMBER_5_PLUS + r" (?:siblings|brothers and sisters|brothers|sisters|half-siblings)\b"),
    re.compile(r"(?i)\b(?:has|have|had|with|mother of|mum of|father of|dad of|parents of) "
               + _NUMBER_5_PLUS + r" (?:children|kids)\b"),
)  # fmt: skip
SMALL_AREA_PATTERNS = (
    re.compile(r"(?i)\b(?:a|the|same|small|tiny|remote|rural)\s+(?:small\s+|tiny\s+|remote\s+|rural\s+)?"
               r"(?:village|hamlet|island)\b(?!s)"),
    re.compile(r"(?i)\bthe same (?:street|road|close|estate|block|cul-de-sac|building|tower block)\b"),
    re.compile(r"(?i)\bthe only (?:[\w-]+ ){0,3}?(?:family|child|girl|boy|pupil|student|young person|person|"
               r"parent|mum|dad|carer|household)\b(?: [\w-]+){0,2}? (?:in|at|on) (?:the|her|his|their|our) "
               r"(?:village|school|class|street|estate|area|town|year group|road|island|block)\b"),
)  # fmt: skip
NEWS = re.compile(
    r"(?i)\b(?:in the (?:local |national )?(?:news|papers?|newspapers?|press)|made the (?:headlines|news)|"
    r"on the (?:local |national )?news|went viral|high-profile|local newspaper|national newspapers?|"
    r"featured on (?:TV|television|the radio))\b"
)


def _quasi(doc: Doc, start: int, end: int, label: str, suggestion: str = "") -> Finding:
    return make_finding(
        doc.text, start, end, kind="quasi_identifier", label=label, severity=WARN,
        suggestion=suggestion, quasi=True,
    )  # fmt: skip


def _number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word.lower()]


def _age_matches(text: str) -> Iterator[tuple[re.Match, str]]:
    seen = set()
    for pattern, style, anchor, before, after in AGE_PATTERNS:
        if anchor is None:
            windows = [(0, len(text))]
        else:
            windows = [
                (max(0, a.start() - before), min(len(text), a.end() + after))
                for a in anchor.finditer(text)
            ]
        for start, end in windows:
            for match in pattern.finditer(text, start, end):
                if match.span() in seen:
                    continue
                seen.add(match.span())
                if style == "number" and not _PERSON_BEFORE.search(
                    text, max(0, match.start() - 16), match.start()
                ):
                    continue
                yield match, style


def _exact_ages(doc: Doc) -> Iterator[Finding]:
    for match, style in _age_matches(doc.text):
        age = _number(match.group("n"))
        unit = (match.groupdict().get("unit") or "year").lower()
        if not unit.startswith("year"):
            age = 0
        span = match.span("n") if style == "number" else match.span()
        if style in ("aged", "number"):
            suggestion = age_band_phrase(age)
        elif style == "year_old":
            suggestion = year_old_phrase(age)
        else:
            suggestion = ""
        yield _quasi(doc, *span, "exact age", suggestion)


@cache
def _ethnicity_patterns() -> tuple[re.Pattern, re.Pattern]:
    terms = ethnicity_religion_terms()
    proper = sorted((t for t in terms if t != t.lower()), key=len, reverse=True)
    plain = sorted((t for t in terms if t == t.lower()), key=len, reverse=True)
    return (
        re.compile(
            r"(?<![\w-])(?:" + "|".join(map(re.escape, proper)) + r")s?(?![\w-])"
        ),
        re.compile(
            r"(?i)(?<![\w-])(?:" + "|".join(map(re.escape, plain)) + r")(?![\w-])"
        ),
    )


def _ethnicity_religion(doc: Doc) -> Iterator[Finding]:
    for pattern in (*_ethnicity_patterns(), _SKIN_TERMS):
        for match in pattern.finditer(doc.text):
            if _GROUP_NOUN.match(doc.text, match.end()):
                continue
            yield _quasi(doc, *match.span(), "ethnicity, faith or language")


@cache
def _condition_pattern() -> re.Pattern:
    terms = sorted(conditions(), key=len, reverse=True)
    return re.compile(
        r"(?i)(?<![\w-])(?:" + "|".join(map(re.escape, terms)) + r")(?![\w-])"
    )


def _conditions(doc: Doc) -> Iterator[Finding]:
    for match in _condition_pattern().finditer(doc.text):
        suggestion = conditions()[match.group().lower()]
        yield _quasi(
            doc, *match.span(), "rare condition or distinctive detail", suggestion
        )


@cache
def _sibling_pattern() -> re.Pattern:
    return re.compile(
        "|".join(f"(?:{p.pattern.removeprefix('(?i)')})" for p in SIBLING_PATTERNS),
        re.IGNORECASE,
    )


@cache
def _small_area_pattern() -> re.Pattern:
    return re.compile(
        "|".join(f"(?:{p.pattern.removeprefix('(?i)')})" for p in SMALL_AREA_PATTERNS),
        re.IGNORECASE,
    )


def _siblings(doc: Doc) -> Iterator[Finding]:
    for pattern in (_sibling_pattern(),):
        for match in pattern.finditer(doc.text):
            yield _quasi(
                doc, *match.span(), "large sibling group", "one of several children"
            )


def _small_areas(doc: Doc) -> Iterator[Finding]:
    for pattern in (_small_area_pattern(),):
        for match in pattern.finditer(doc.text):
            yield _quasi(
                doc, *match.span(), "small area or distinctive detail", "the local area"
            )


def _news(doc: Doc) -> Iterator[Finding]:
    for match in NEWS.finditer(doc.text):
        yield _quasi(doc, *match.span(), "newsworthy event")


def find(doc: Doc) -> Iterator[Finding]:
    yield from _exact_ages(doc)
    yield from _ethnicity_religion(doc)
    yield from _conditions(doc)
    yield from _siblings(doc)
    yield from _small_areas(doc)
    yield from _news(doc)
