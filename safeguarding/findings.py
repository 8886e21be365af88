"""The shape of one identifiability finding, shared by every detector."""

from dataclasses import dataclass

BLOCK = "block"
WARN = "warn"


@dataclass(frozen=True)
class Finding:
    """A span of text that may identify a person, and what to do about it.

    ``start`` and ``end`` are Python string offsets (code points, not UTF-16 units).
    """

    start: int
    end: int
    text: str
    kind: str
    label: str
    severity: str
    suggestion: str
    quasi: bool = False

    @property
    def blocks(self) -> bool:
        return self.severity == BLOCK


def make_finding(
    text: str,
    start: int,
    end: int,
    *,
    kind: str,
    label: str,
    severity: str,
    suggestion: str = "",
    quasi: bool = False,
) -> Finding:
    """Build a Finding for ``text[start:end]``, trimming surrounding spaces."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Finding(
        start=start,
        end=end,
        text=text[start:end],
        kind=kind,
        label=label,
        severity=severity,
        suggestion=suggestion,
        quasi=quasi,
    )
