"""Geometry for the score-profile chart: the template draws what this computes."""

from dataclasses import dataclass

from .selectors import PROFILE_LEVELS

LEVEL_LABELS = {
    "1": "1 (weakest)",
    "2": "2",
    "3": "3",
    "4": "4 (strongest)",
    "cant_tell": "Can't tell",
}
LEVEL_SHORT = {"1": "1", "2": "2", "3": "3", "4": "4", "cant_tell": "Can't tell"}
CHART_WIDTH = 640
BAR_WIDTH = 560
ROW_HEIGHT = 70
LEGEND_HEIGHT = 40


@dataclass
class Segment:
    level: str
    x: float
    width: float
    count: int


def profile_chart(profile) -> dict:
    """Per criterion, a bar split by how many critics gave each level, with its counts."""
    rows = []
    for index, row in enumerate(profile):
        top = LEGEND_HEIGHT + index * ROW_HEIGHT
        total = row.answered
        x = 0.0
        segments = []
        for level in PROFILE_LEVELS:
            count = row.counts[level]
            width = BAR_WIDTH * count / total if total else 0
            if count:
                segments.append(Segment(level, round(x, 1), round(width, 1), count))
            x += width
        rows.append(
            {
                "row": row,
                "title_y": top + 14,
                "bar_y": top + 22,
                "counts_y": top + 58,
                "segments": segments,
                "counts_text": " · ".join(
                    f"{LEVEL_SHORT[level]}: {row.counts[level]}"
                    for level in PROFILE_LEVELS
                ),
            }
        )
    legend = [
        {"level": level, "label": LEVEL_LABELS[level], "x": i * 118}
        for i, level in enumerate(PROFILE_LEVELS)
    ]
    return {
        "width": CHART_WIDTH,
        "height": LEGEND_HEIGHT + ROW_HEIGHT * len(rows),
        "bar_width": BAR_WIDTH,
        "rows": rows,
        "legend": legend,
        "levels": [(level, LEVEL_LABELS[level]) for level in PROFILE_LEVELS],
    }
