"""Exact dates: dates of birth, hearing and visit dates.

A month on its own ("in March"), a month and year ("since January 2024"), durations
("10 days") and school years ("Year 6") are not exact dates and are left alone.
"""

import re
from collections.abc import Iterator
from datetime import date

from ..findings import WARN, Finding, make_finding
from ..textscan import Doc
from .bands import age_band_phrase

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_WEEKDAY = r"(?:Mon|Tues|Tue|Wednes|Wed|Thurs|Thur|Thu|Fri|Satur|Sat|Sun)(?:day)?"
_ORDINAL = r"(?:st|nd|rd|th)"
_YEAR = r"(?:19|20)\d{2}"

_NUMERIC = (
    # 12/03/2015, 12.3.15, 12-03-2015
    re.compile(
        r"(?<![\d/.\-])(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4}|\d{2})(?![\d/.\-]*\d)"
    ),
    # 2015-03-12
    re.compile(r"\b(?P<y>" + _YEAR + r")-(?P<m>\d{2})-(?P<d>\d{2})\b"),
    # 3rd (of) March (2025)
    re.compile(
        r"\b(?P<d>\d{1,2})"
        + _ORDINAL
        + r"?(?:\s+of)?\s+(?P<mon>"
        + _MONTH
        + r")(?![a-z])"
        r"(?:,?\s+(?P<y>" + _YEAR + r"))?\b"
    ),
)
# March 3rd (2025), May 14
_MONTH_FIRST = re.compile(
    r"\b(?P<mon>" + _MONTH + r")\s+(?P<d>\d{1,2})(?:" + _ORDINAL + r")?\b"
    r"(?!\s*(?:-|–|to)?\s*\d)(?!\s*(?:years?|months?|weeks?|days?|hours?|mins?|minutes?|children|"
    r"families|cases|visits|%|am|pm|:|\.\d))(?:,?\s+(?P<y>" + _YEAR + r"))?"
)
# Tuesday 14th
_WEEKDAY_FIRST = re.compile(
    r"\b" + _WEEKDAY + r"\s+(?:the\s+)?(?P<d>\d{1,2})" + _ORDINAL + r"\b"
)
# born in 2014, born March 2014, DOB 2014
_BIRTH_YEAR = re.compile(
    r"(?P<birth>\b(?:born|DOB|date of birth)\s*(?:(?:in|on|:|-)\s*)*)(?:(?P<mon>"
    + _MONTH
    + r")\s+)?(?P<y>"
    + _YEAR
    + r")\b"
)
_MONTH_WORDS = re.compile(_MONTH)
_WEEKDAY_WORDS = re.compile(_WEEKDAY)
_BIRTH_WORDS = frozenset({"born", "DOB", "date"})


def _patterns_at(word: str) -> tuple[re.Pattern, ...]:
    """The date patterns that can start with this word: each runs only where it can match."""
    if word[0].isdigit():
        return _NUMERIC
    if _MONTH_WORDS.fullmatch(word):
        return (_MONTH_FIRST,)
    if _WEEKDAY_WORDS.fullmatch(word):
        return (_WEEKDAY_FIRST,)
    if word in _BIRTH_WORDS:
        return (_BIRTH_YEAR,)
    return ()


# What stands just before a date: "born on", "DOB:", "on", "until", "Tuesday the".
CONTEXT_BEFORE = re.compile(
    r"(?P<birth>\b(?i:born|DOB|D\.O\.B\.?|date of birth|birthday)\s*(?:(?:is|was|on|in|:|-)\s*)*)?"
    r"(?P<prep>\b(?i:on|dated|of|from|until|till|by|since|in|before|after)\s+)?"
    r"(?P<day>" + _WEEKDAY + r",?\s+)?(?P<the>the\s+)?$"
)
SEASONS = {
    12: "winter", 1: "winter", 2: "winter",
    3: "spring", 4: "spring", 5: "spring",
    6: "summer", 7: "summer", 8: "summer",
    9: "autumn", 10: "autumn", 11: "autumn",
}  # fmt: skip


def _month(match: re.Match) -> int | None:
    groups = match.groupdict()
    if groups.get("mon"):
        return MONTHS[groups["mon"][:3].lower()]
    if groups.get("m"):
        return int(groups["m"])
    return None


def _plausible(match: re.Match) -> bool:
    groups = match.groupdict()
    day = int(groups["d"]) if groups.get("d") else 1
    month = _month(match) or 1
    if (
        groups.get("m")
        and groups.get("d")
        and not (1 <= month <= 12 and 1 <= day <= 31)
    ):
        # 03/12/2015 written the American way still counts as a date
        day, month = month, day
    return 1 <= day <= 31 and 1 <= month <= 12


def _birth_year(match: re.Match) -> int | None:
    year = match.groupdict().get("y")
    if not year:
        return None
    year_number = int(year)
    if len(year) == 2:
        year_number += 2000 if year_number <= date.today().year % 100 else 1900
    return year_number


def _suggestion(match: re.Match, *, birth: bool, prep: bool) -> str:
    if birth:
        year = _birth_year(match)
        if year is not None:
            return age_band_phrase(date.today().year - year)
    month = _month(match)
    if month is None:
        return "recently"
    season = SEASONS[month]
    return f"in the {season}" if prep else f"the {season}"


def _matches(doc: Doc) -> Iterator[re.Match]:
    seen = set()
    for token in doc.tokens:
        for pattern in _patterns_at(token.text):
            match = pattern.match(doc.text, token.start)
            if match and match.span() not in seen:
                seen.add(match.span())
                yield match


def find(doc: Doc) -> Iterator[Finding]:
    text = doc.text
    for match in _matches(doc):
        if not _plausible(match):
            continue
        start = match.start()
        context = CONTEXT_BEFORE.search(text, max(0, start - 40), start)
        birth = bool(match.groupdict().get("birth") or context.group("birth"))
        prep = context.group("prep")
        if context.group("birth") and _birth_year(match) is not None:
            start = context.start()  # "born on 12/03/2015" becomes "aged 6-11"
        elif context.group("day") or context.group("the"):
            start = (
                context.start("day") if context.group("day") else context.start("the")
            )
        if prep and prep.strip().lower() in ("on", "in", "dated"):
            start = min(start, context.start("prep"))
        elif prep and start < context.end("prep"):
            start = context.end("prep")  # keep "until" or "since" in the sentence
        keep_prep = bool(prep) and prep.strip().lower() in ("on", "in", "dated")
        yield make_finding(
            text,
            start,
            match.end(),
            kind="date",
            label="date of birth" if birth else "exact date",
            severity=WARN,
            suggestion=_suggestion(match, birth=birth, prep=keep_prep),
            quasi=birth,
        )
