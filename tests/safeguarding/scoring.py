"""Precision and recall of ``check_text`` on the labelled corpus, per class."""

from dataclasses import dataclass, field

from safeguarding.identify import BLOCK_KINDS, check_text

from .corpus import CLEAN, CORPUS

# Schools, streets, towns and local authorities are scored together as "place".
CLASS_OF_KIND = {kind: kind for kind in BLOCK_KINDS} | {
    "name": "name",
    "date": "date",
    "place": "place",
    "school": "place",
    "street": "place",
    "court_quote": "court_quote",
    "quasi_identifier": "quasi_identifier",
}
CLASSES = (*BLOCK_KINDS, "name", "date", "place", "court_quote", "quasi_identifier")
RECALL_FLOORS = dict.fromkeys(BLOCK_KINDS, 1.0) | {
    "name": 0.9,
    "date": 0.9,
    "place": 0.9,
}
MAX_FALSE_ALARM_RATE = 0.03


@dataclass
class ClassScore:
    expected: int = 0
    found: int = 0  # expected identifiers that a finding of the same class overlaps
    predicted: int = 0
    correct: int = 0  # findings that overlap an expected identifier of the same class

    @property
    def recall(self) -> float | None:
        return self.found / self.expected if self.expected else None

    @property
    def precision(self) -> float | None:
        return self.correct / self.predicted if self.predicted else None


@dataclass
class CorpusScore:
    classes: dict[str, ClassScore] = field(
        default_factory=lambda: {c: ClassScore() for c in CLASSES}
    )
    clean_sentences: int = 0
    clean_with_findings: list[tuple[str, list]] = field(default_factory=list)
    misses: list[tuple[str, str, str]] = field(
        default_factory=list
    )  # (class, substring, text)
    false_findings: list[tuple[str, str, str]] = field(
        default_factory=list
    )  # (class, span, text)

    @property
    def false_alarm_rate(self) -> float:
        return len(self.clean_with_findings) / self.clean_sentences


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score_corpus() -> CorpusScore:
    result = CorpusScore(clean_sentences=len(CLEAN))
    for sentence in CORPUS:
        findings = check_text(sentence.text)
        expected = []
        for kind, substring in sentence.expected:
            start = sentence.text.index(substring)
            expected.append(
                (CLASS_OF_KIND[kind], (start, start + len(substring)), substring)
            )
        if not expected and findings:
            result.clean_with_findings.append((sentence.text, findings))
        for cls, span, substring in expected:
            scores = result.classes[cls]
            scores.expected += 1
            if any(
                CLASS_OF_KIND[f.kind] == cls and _overlaps(span, (f.start, f.end))
                for f in findings
            ):
                scores.found += 1
            else:
                result.misses.append((cls, substring, sentence.text))
        for finding in findings:
            cls = CLASS_OF_KIND[finding.kind]
            scores = result.classes[cls]
            scores.predicted += 1
            if any(
                c == cls and _overlaps(span, (finding.start, finding.end))
                for c, span, _ in expected
            ):
                scores.correct += 1
            else:
                result.false_findings.append((cls, finding.text, sentence.text))
    return result


def _percent(value: float | None) -> str:
    return "   -  " if value is None else f"{value * 100:5.1f}%"


def corpus_table(result: CorpusScore | None = None) -> str:
    """The precision and recall table, as plain text for a release note."""
    result = result or score_corpus()
    lines = [
        f"Identifiability check on {len(CORPUS)} sentences "
        f"({result.clean_sentences} clean practice sentences)",
        "",
        f"{'class':<18} {'labels':>6} {'recall':>7} {'floor':>6} {'found':>6} {'precision':>9}",
    ]
    for cls in CLASSES:
        s = result.classes[cls]
        floor = RECALL_FLOORS.get(cls)
        floor_text = f"{floor * 100:5.0f}%" if floor else "     -"
        lines.append(
            f"{cls:<18} {s.expected:>6} {_percent(s.recall):>7} {floor_text:>6} {s.predicted:>6} {_percent(s.precision):>9}"
        )
    lines += [
        "",
        f"false alarms on clean text: {len(result.clean_with_findings)} of {result.clean_sentences} "
        f"sentences ({result.false_alarm_rate * 100:.1f}%; ceiling {MAX_FALSE_ALARM_RATE * 100:.0f}%)",
        "place = towns, cities and local authorities + schools + streets + estates + postcode districts",
    ]
    return "\n".join(lines)


def corpus_report(result: CorpusScore | None = None) -> str:
    """The table followed by every miss and false alarm, for tuning."""
    result = result or score_corpus()
    lines = [corpus_table(result), "", "MISSES"]
    lines += [f"  {cls:<16} {sub!r:<30} {text}" for cls, sub, text in result.misses]
    lines += ["", "FINDINGS NOT LABELLED (in labelled sentences)"]
    lines += [
        f"  {cls:<16} {span!r:<30} {text}"
        for cls, span, text in result.false_findings
        if text not in CLEAN
    ]
    lines += ["", "FALSE ALARMS ON CLEAN SENTENCES"]
    for text, findings in result.clean_with_findings:
        lines.append(f"  {text}")
        lines += [f"      {f.kind}: {f.text!r}" for f in findings]
    return "\n".join(lines)
