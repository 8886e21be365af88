"""Quotations from court or case records: judgments, orders, case notes, chronologies.

A quotation is flagged only when a cue says where it came from ("the judge said",
"the order states", "case note reads", "from the chronology:"); a child's own words
or a phrase in scare quotes are left alone.
"""

import re
from collections.abc import Iterator

from ..findings import WARN, Finding, make_finding
from ..textscan import Doc

QUOTED = re.compile(
    r"“[^”\n]{3,800}?”"
    r"|(?<![\w])\"[^\"\n]{3,800}?\""
    r"|‘(?:[^’\n]|’(?=\w)){3,800}?’(?!\w)"
    r"|(?<![\w'’])'(?=\S)(?:[^'\n]|'(?=\w)){3,800}?(?<=\S)'(?!\w)"
)
SOURCE = (
    r"(?:judge|judges|HHJ|district judge|the court|court|magistrates?|the bench|judg(?:e)?ment|"
    r"(?:court |care |supervision |placement |interim |the )order|ruling|transcript|hearing|"
    r"children's guardian|guardian|Cafcass|case ?notes?|case ?records?|case ?files?|the file|"
    r"chronology|records?|minutes|referral|threshold(?: document)?|statement|assessment|"
    r"report|care plan|the plan|strategy (?:discussion|meeting)|bundle|barrister|solicitor|"
    r"counsel|expert witness|social work evidence|SWET|witness statement|police disclosure)"
)
_REPORTING = (
    r"(?:said|says|stated|states|reads|read|records?|recorded|notes?|noted|found|finds|concluded|"
    r"concludes|described|describes|wrote|writes|observed|ordered|ruled|added|called|calls|told|"
    r"tells|summed up|put it|quoted|quotes)"
)
# A source and a reporting verb before an opening quote: "the judge said", "the order states:".
CUE_BEFORE = re.compile(
    r"(?i)\b"
    + SOURCE
    + r"(?:'s|’s)?\b[^.!?\n\"“‘]{0,60}?\b"
    + _REPORTING
    + r"\b[^.!?\n\"“‘]{0,40}$"
    r"|\b" + SOURCE + r"\s*:\s*$"
    r"|\baccording to (?:the |her |his |their )?" + SOURCE + r"\b[^.!?\n\"“‘]{0,30}$"
)
# A source straight after a closing quote: ', the judge said', '(case note)'.
CUE_AFTER = re.compile(
    r"(?i)^[\s,.;:)(\-–—]{0,4}(?:(?:according to|from|in|said|says|wrote|writes|reads|read|stated|states|"
    r"noted|notes)\s+)?(?:the\s+|her\s+|his\s+|their\s+)?" + SOURCE + r"\b"
)
# "From the chronology: Mum missed...", "The case note reads: ..." - quotation without marks.
_RECORD = (
    r"(?:chronology|case ?notes?|case ?records?|case ?file|file|court order|order|judg(?:e)?ment|"
    r"minutes|transcript|threshold(?: document)?|care plan|referral|assessment|report|records?)"
)
_REST_OF_SENTENCE = r"\s*:\s*(?P<quote>[^\n]{4,600}?)(?=$|\n|(?<=[.!?])\s)"
COLON_QUOTES = (
    re.compile(
        r"(?i)\b(?:from|in) (?:the |her |his |their )?" + _RECORD + _REST_OF_SENTENCE
    ),
    re.compile(
        r"(?i)\b"
        + _RECORD
        + r"\s+(?:entry\s+)?(?:reads|read|states|stated|says|said|records|recorded|noted|notes)"
        + _REST_OF_SENTENCE
    ),
)


def find(doc: Doc) -> Iterator[Finding]:
    text = doc.text
    quoted = QUOTED.finditer(text) if any(mark in text for mark in "\"“‘'") else ()
    for match in quoted:
        inside = match.group()[1:-1]
        if len(inside.split()) < 2:
            continue
        before = text[max(0, match.start() - 80) : match.start()]
        after = text[match.end() : match.end() + 50]
        if CUE_BEFORE.search(before) or CUE_AFTER.match(after):
            yield _quote(doc, *match.span())
    for pattern in COLON_QUOTES if ":" in text else ():
        for match in pattern.finditer(text):
            yield _quote(doc, *match.span("quote"))


def _quote(doc: Doc, start: int, end: int) -> Finding:
    return make_finding(
        doc.text,
        start,
        end,
        kind="court_quote",
        label="quote from court or case records",
        severity=WARN,
        suggestion="",
    )
