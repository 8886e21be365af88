"""The reply texts both forums get: the same strings, in the same order, from a seed.

Standard library only, so that both virtualenvs can import it.
"""

import random

SEED = 20261127
REPLIES = 200
LENGTH = 300

WORDS = [
    "family",
    "time",
    "contact",
    "session",
    "sessions",
    "cancelled",
    "cancellations",
    "parents",
    "carers",
    "kinship",
    "foster",
    "placement",
    "school",
    "attendance",
    "supervision",
    "visit",
    "visits",
    "worker",
    "team",
    "manager",
    "plan",
    "review",
    "week",
    "weeks",
    "travel",
    "transport",
    "reminder",
    "reminders",
    "text",
    "message",
    "phone",
    "call",
    "letter",
    "meeting",
    "meetings",
    "child",
    "children",
    "young",
    "people",
    "voice",
    "wishes",
    "feelings",
    "purpose",
    "agreed",
    "agreement",
    "trial",
    "tried",
    "try",
    "result",
    "results",
    "measure",
    "measured",
    "baseline",
    "before",
    "after",
    "change",
    "changed",
    "fewer",
    "more",
    "most",
    "some",
    "about",
    "around",
    "every",
    "each",
    "first",
    "last",
    "next",
    "time",
    "times",
    "usual",
    "practice",
    "local",
    "service",
    "area",
    "office",
    "duty",
    "referral",
    "assessment",
    "group",
    "conversation",
    "diary",
    "record",
]
PHRASES = (
    "family time",
    "text message reminders",
    "kinship carers",
    "school attendance",
    "motivational interviewing",
    "reflective supervision",
)
JOINERS = ("and", "but", "so", "because", "while", "when", "although")


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(7, 14))]
    if rng.random() < 0.4:
        words.insert(rng.randrange(len(words)), rng.choice(PHRASES))
    if rng.random() < 0.3:
        words.insert(rng.randrange(1, len(words)), rng.choice(JOINERS))
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def reply_text(rng: random.Random, length: int = LENGTH) -> str:
    """About `length` characters of plain prose, now and then with one bold phrase."""
    sentences = []
    while sum(len(s) + 1 for s in sentences) < length - 35:
        sentences.append(_sentence(rng))
    text = " ".join(sentences)
    if len(text) > length + 20:
        text = text[: length + 20].rsplit(" ", 1)[0].rstrip(",;") + "."
    if rng.random() < 0.25:
        phrase = rng.choice(PHRASES)
        text = text.replace(phrase, f"**{phrase}**", 1)
    return text


def reply_texts(count: int = REPLIES, seed: int = SEED) -> list[str]:
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    return [reply_text(rng) for _ in range(count)]


if __name__ == "__main__":
    texts = reply_texts()
    lengths = sorted(len(t) for t in texts)
    print(
        len(texts),
        "texts; length min/median/max:",
        lengths[0],
        lengths[len(lengths) // 2],
        lengths[-1],
    )
    print(texts[0])
