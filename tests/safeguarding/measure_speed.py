"""Time check_text on a 5,000-character post: python -m tests.safeguarding.measure_speed

Not a test (timings depend on the machine); run it by hand and quote the result.
"""

import os
import statistics
import sys
import time


def five_thousand_characters() -> str:
    """The long clean post, topped up with labelled sentences to exactly 5,000 characters."""
    from .corpus import IDENTIFYING
    from .long_post import LONG_CLEAN_POST

    text = LONG_CLEAN_POST
    for sentence in IDENTIFYING:
        if len(text) >= 5000:
            break
        text += " " + sentence.text
    return text[:5000]


def main(runs: int = 300) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from safeguarding.identify import check_text

    text = five_thousand_characters()
    start = time.perf_counter()
    findings = check_text(text)  # the first call also loads the word lists
    first = time.perf_counter() - start
    results = {}
    for clock in (time.perf_counter, time.process_time):
        samples = []
        for _ in range(runs):
            start = clock()
            check_text(text)
            samples.append(clock() - start)
        results[clock.__name__] = samples
    print(f"{len(text)} characters, {len(findings)} findings, {runs} runs")
    print(f"first call (loads word lists): {first * 1000:.1f} ms")
    for name, samples in results.items():
        ordered = sorted(samples)
        print(
            f"{name:>13}: median {statistics.median(samples) * 1000:.1f} ms, "
            f"95th percentile {ordered[int(len(ordered) * 0.95)] * 1000:.1f} ms, "
            f"best {ordered[0] * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
