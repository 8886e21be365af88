"""The pre-publish identifiability check: text in, findings out.

    findings = check_text(body)                  # one field
    result = check_fields({"title": t, "body": b})  # a whole post
    result.blocked, result.warnings, result.needs_premoderation

Pure Python: no database, no network. Word lists load once from safeguarding/data/.
Settings read (each with a default, so the module also runs without Django settings):

- ``SAFEGUARDING_CASE_NUMBER_PATTERNS``: regex strings for local case and record numbers;
  replaces ``DEFAULT_CASE_NUMBER_PATTERNS`` when set.
- ``SAFEGUARDING_QUASI_THRESHOLD``: distinct quasi-identifiers in one post that send it to
  pre-moderation (default 3).
"""

import re
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .detectors import dates, names, numbers, places, quasi, quotes
from .detectors.numbers import DEFAULT_CASE_NUMBER_PATTERNS
from .findings import BLOCK, WARN, Finding
from .lexicon import practice_phrases
from .textscan import Doc

__all__ = [
    "BLOCK",
    "BLOCK_KINDS",
    "DEFAULT_CASE_NUMBER_PATTERNS",
    "DEFAULT_QUASI_THRESHOLD",
    "WARN",
    "WARN_KINDS",
    "CheckResult",
    "Finding",
    "check_fields",
    "check_text",
    "quasi_count",
]

BLOCK_KINDS = (
    "nhs_number",
    "ni_number",
    "upn",
    "email",
    "phone",
    "postcode",
    "case_number",
    "social_handle",
)
WARN_KINDS = (
    "name",
    "date",
    "school",
    "street",
    "place",
    "court_quote",
    "quasi_identifier",
)
DEFAULT_QUASI_THRESHOLD = 3

# When two findings of equal severity and length cover the same words, the earlier kind
# here wins: "CS123456" fits a local case-number pattern and the shape of an NI number
# without its suffix letter, and the case-number label is the useful one.
_KIND_ORDER = {
    kind: n
    for n, kind in enumerate(
        (
            "case_number",
            "nhs_number",
            "upn",
            "ni_number",
            "phone",
            "postcode",
            "email",
            "social_handle",
        )
        + (
            "school",
            "street",
            "place",
            "name",
            "date",
            "court_quote",
            "quasi_identifier",
        )
    )
}


def _setting(name: str, default):
    if not settings.configured:
        return default
    return getattr(settings, name, default)


def case_number_patterns() -> tuple[str, ...]:
    patterns = _setting(
        "SAFEGUARDING_CASE_NUMBER_PATTERNS", DEFAULT_CASE_NUMBER_PATTERNS
    )
    if isinstance(patterns, str):
        raise ImproperlyConfigured(
            "SAFEGUARDING_CASE_NUMBER_PATTERNS must be a list of regular expressions, not one string."
        )
    patterns = tuple(patterns)
    try:
        numbers.compile_case_number_patterns(patterns)
    except re.error as error:
        raise ImproperlyConfigured(
            f"SAFEGUARDING_CASE_NUMBER_PATTERNS has a pattern that does not compile: {error}. "
            "Fix the regular expression in settings."
        ) from error
    return patterns


def quasi_threshold() -> int:
    return int(_setting("SAFEGUARDING_QUASI_THRESHOLD", DEFAULT_QUASI_THRESHOLD))


@cache
def _practice_phrase_pattern() -> re.Pattern:
    phrases = sorted(practice_phrases(), key=len, reverse=True)
    return re.compile(
        r"(?<![\w-])(?:" + "|".join(map(re.escape, phrases)) + r")(?![\w-])"
    )


def _candidates(doc: Doc) -> list[Finding]:
    found = list(numbers.find(doc, case_number_patterns=case_number_patterns()))
    found += names.find(doc)
    found += places.find(doc)
    found += dates.find(doc)
    found += quasi.find(doc)
    found += quotes.find(doc)
    return found


def _outside_practice_phrases(text: str, found: list[Finding]) -> list[Finding]:
    """Drop warnings that lie wholly inside "Signs of Safety", "Solihull Approach" and the like."""
    shields = [m.span() for m in _practice_phrase_pattern().finditer(text)]
    if not shields:
        return found
    return [
        f
        for f in found
        if f.severity == BLOCK
        or not any(start <= f.start and f.end <= end for start, end in shields)
    ]


def _without_overlaps(found: list[Finding]) -> list[Finding]:
    """Keep block over warn, then longer over shorter, then the more specific kind."""
    ranked = sorted(
        found,
        key=lambda f: (
            f.severity != BLOCK,
            -(f.end - f.start),
            f.start,
            _KIND_ORDER.get(f.kind, 99),
        ),
    )
    kept: list[Finding] = []
    for finding in ranked:
        if finding.end <= finding.start:
            continue
        if all(finding.end <= k.start or finding.start >= k.end for k in kept):
            kept.append(finding)
    return sorted(kept, key=lambda f: f.start)


def check_text(text: str) -> list[Finding]:
    """Findings in one piece of text, sorted by start and never overlapping."""
    if not text or not text.strip():
        return []
    doc = Doc(text)
    return _without_overlaps(_outside_practice_phrases(text, _candidates(doc)))


def quasi_count(findings: list[Finding]) -> int:
    """Distinct quasi-identifiers among ``findings``: the same words twice count once."""
    return len(
        {
            (f.kind, f.label, " ".join(f.text.lower().split()))
            for f in findings
            if f.quasi
        }
    )


@dataclass
class CheckResult:
    """The check of every field of one post, reply, critique or amendment."""

    findings: dict[str, list[Finding]] = field(default_factory=dict)

    @property
    def all_findings(self) -> list[Finding]:
        return [f for field_findings in self.findings.values() for f in field_findings]

    @property
    def blocked(self) -> bool:
        return any(f.severity == BLOCK for f in self.all_findings)

    @property
    def blocks(self) -> list[Finding]:
        return [f for f in self.all_findings if f.severity == BLOCK]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.all_findings if f.severity == WARN]

    @property
    def quasi_count(self) -> int:
        return quasi_count(self.all_findings)

    @property
    def needs_premoderation(self) -> bool:
        return self.quasi_count >= quasi_threshold()


def check_fields(fields: dict[str, str]) -> CheckResult:
    """Check every field of one submission; quasi-identifiers are counted across all of them."""
    return CheckResult(
        findings={name: check_text(value or "") for name, value in fields.items()}
    )
