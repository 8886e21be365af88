"""A synthetic, reproducible corpus of children's social work practice text.

Words are drawn from one ranked vocabulary with Zipf-Mandelbrot weights, so a few
words are very common and most are rare, as in real text. The function words hold
the top ranks; the everyday and practice words are spread over ranks 30 to about
6,000, log-uniformly, among a long tail of made-up words (names, places, jargon,
misspellings: the words any real corpus has in their tens of thousands and a small
list does not). Without that tail a ~700-word vocabulary put every practice word in
6% to 72% of all documents ("abuse" in 72%), where real writing has a few words
that common and most in well under 1%. Some sentences carry a fixed practice phrase
("motivational interviewing", "contact cancellations"...), so phrases and
co-occurring words exist too.

Everything comes from `random.Random(seed)` streams: the same seed gives the same
documents and queries, and the first N documents of a larger corpus are the N
documents of a smaller one.
"""

import random
from dataclasses import dataclass
from itertools import accumulate


def _words(text):
    return text.split()


# The commonest English words, in roughly their real frequency order.
FUNCTION_WORDS = _words(
    """
the of and to a in is that for it with as was on be at by this have from or
had not but are they we were their been has would will more when who there what
all if about which so can our them do than other into some only also could after
"""
)

EVERYDAY_WORDS = _words(
    """
time first two how most over then because these may any each just well where much
before through same back still around often usually sometimes every again new good
better small clear short long simple easy hard difficult important likely few many
less fewer next last late local usual ask asked tell told say said make made take
took give gave keep kept find found think thought feel felt know known want wanted
need needed try tried use used start started stop stopped change changed show
showed helped worked look looked come came go went talk talked write wrote read
send sent agree agreed day days year years way part place thing things number
point reason idea question problem result results whether while although between
during without within against across towards instead rather quite very really
enough almost already always never perhaps together own both such those here
three four five six ten half quarter once twice regular regularly weekly monthly
daily quickly slowly carefully openly honestly calm worried happy upset angry
confident nervous tired busy ready able unable willing
kitchen garden park library shop shops car flat room bedroom door window table
bag coat shoes phone laptop book books paper form forms email note notes diary
calendar list map picture pictures drawing drawings game games toy toys football
swimming music cooking lunch dinner breakfast tea coffee money rent bills job jobs
shift shifts office desk corridor reception building street road town city
village area areas county service services council office record records system
systems report reports letterhead website leaflet leaflets poster posters card
cards sticker stickers chart charts table tables timeline timelines summary
summaries template templates checklist checklists handbook guidance policy
policies procedure procedures standard standards tool tools scale scales
quiet loud noisy busy empty full warm cold wet dry early later soon recently
finally mainly mostly partly fully nearly hardly simply certainly possibly
probably clearly slightly gently firmly kindly politely warmly briefly
explain explained listen listened notice noticed remember remembered forget
forgot decide decided choose chose learn learned teach taught share shared
worry worried hope hoped expect expected prefer preferred manage managed
arrange arranged cancel rearrange rearranged confirm confirmed remind reminded
invite invited welcome welcomed offer offered refuse refused accept accepted
complain complained apologise apologised thank thanked celebrate celebrated
"""
)

PRACTICE_WORDS = _words(
    """
family families contact cancellations cancelled cancel supervision supervising
assessment assessments neglect neglected kinship carers carer school attendance
motivational interviewing interview parent parents parenting mother father
grandparent grandparents child children young person social worker workers
practitioner practitioners practice visit visits visiting home placement placements
fostering foster adoption adopted court plan plans planning review reviews
conference conferences safeguarding protection risk risks harm domestic abuse
violence substance misuse alcohol mental health wellbeing education exclusion
exclusions absence absences teacher teachers midwife police referral referrals
threshold early intervention outcomes outcome engagement engaged relationship
relationships trust voice wishes feelings direct session sessions group groups
meeting meetings strengths restorative systemic safety genogram ecomap chronology
case cases caseload manager managers team duty statutory looked leaving care
leavers residential respite disabilities disabled autism speech language therapy
therapeutic trauma informed attachment play story letterbox supervised unsupervised
sibling siblings birth reunification permanence stability transition transitions
adolescent adolescents exploitation missing episodes return interviews text
message messages reminders reminder phone calls letter letters travel transport
bus fares venue venues timing weekends evening morning appointments appointment
attended attend attending missed rate rates baseline measure measured score scores
questionnaire survey feedback consent anonymised colleague colleagues reflective
coaching training mentoring audit fidelity dose frequency duration pilot tested
testing hypothesis prediction evidence research trial randomised comparison
control improvement increase decrease reduce reduced improve improved support
supported advocacy advocate interpreter housing benefits poverty debt food bank
nursery homework bullying anxiety sleep routines boundaries behaviour praise
rewards nurture contract agreement escalation step down closure handover
transfer allocation allocated unannounced announced observation observations
keyworker keyworkers befriending mentor volunteer volunteers grandmother aunt
uncle cousin stepfather stepmother partner partners network networks
"""
)

# Phrases practitioners actually write; one may be dropped into a sentence.
PHRASES = [
    "motivational interviewing",
    "contact cancellations",
    "kinship carers",
    "school attendance",
    "family time",
    "text message reminders",
    "reflective supervision",
    "direct work",
    "life story work",
    "family group conference",
    "signs of safety",
    "child protection plan",
    "child in need",
    "looked after children",
    "care leavers",
    "domestic abuse",
    "parental substance misuse",
    "early help",
    "strengths based practice",
    "unannounced visits",
    "supervised contact",
    "the voice of the child",
]

# Share of sentences that carry one of the phrases: about one phrase in every
# other document, so each phrase is in a few per cent of documents.
PHRASE_RATE = 0.04

TITLE_VERBS = ["Using", "Trying", "Offering", "Testing", "Adding", "Introducing"]
TITLE_GOALS = ["to reduce", "to improve", "to increase", "to support", "and"]


@dataclass(frozen=True)
class Document:
    title: str
    aim: str
    what_i_will_try: str

    @property
    def words(self) -> int:
        return (
            len(self.title.split())
            + len(self.aim.split())
            + len(self.what_i_will_try.split())
        )


# Made-up words are built from these: pronounceable, lower case, never English.
ONSETS = _words("b bl br d dr f fl g gr h k l m n p pr r s st t tr v w z")
VOWELS = _words("a e i o u ai ea oo ou")
CODAS = ["", "", "n", "l", "r", "s", "nd", "rt", "ck", "m", "x", "th"]
TAIL_WORDS = 40_000
# The real words' ranks are drawn log-uniformly from this range.
REAL_RANKS = (30, 6_000)


def made_up_words(rng, n, avoid):
    """`n` distinct pronounceable words of two or three syllables, none in `avoid`."""
    words, seen = [], set(avoid)
    while len(words) < n:
        syllables = rng.choice((2, 2, 3))
        word = "".join(
            rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS)
            for _ in range(syllables)
        )
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def zipf_weights(n, s=1.05, q=2.7):
    """Zipf-Mandelbrot weights 1/(rank+q)^s for ranks 1..n."""
    return [1.0 / (rank + q) ** s for rank in range(1, n + 1)]


class Vocabulary:
    """The ranked word list and its cumulative weights."""

    def __init__(self, seed, tail=TAIL_WORDS):
        rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
        function = list(dict.fromkeys(FUNCTION_WORDS))
        real = list(dict.fromkeys(EVERYDAY_WORDS + PRACTICE_WORDS))
        real = [word for word in real if word not in function]
        rng.shuffle(real)
        # Each real word takes a rank drawn log-uniformly; the made-up words fill
        # every rank left, in order.
        low, high = REAL_RANKS
        ranked = {}
        for word in real:
            rank = round(low * (high / low) ** rng.random())
            while rank in ranked:
                rank += 1
            ranked[rank] = word
        filler = made_up_words(rng, tail, set(function) | set(real))
        filler.reverse()
        rest = []
        rank = len(function)
        while filler:
            rest.append(ranked.pop(rank) if rank in ranked else filler.pop())
            rank += 1
        rest.extend(ranked[rank] for rank in sorted(ranked))  # past the tail's end
        self.words = function + rest
        self.weights = zipf_weights(len(self.words))
        self.cum_weights = list(accumulate(self.weights))
        practice = set(PRACTICE_WORDS)
        self.practice = [word for word in self.words if word in practice]
        rank = dict(zip(self.words, self.weights, strict=True))
        self.practice_cum = list(accumulate(rank[word] for word in self.practice))


class CorpusGenerator:
    """Documents of about `words` words each, in a fixed order for a seed."""

    def __init__(self, seed=20251126, words=300):
        self.vocabulary = Vocabulary(seed)
        self.rng = random.Random(seed + 1)  # noqa: S311
        self.words = words

    def _sentence(self):
        rng, vocab = self.rng, self.vocabulary
        length = rng.randint(8, 22)
        words = rng.choices(vocab.words, cum_weights=vocab.cum_weights, k=length)
        if rng.random() < PHRASE_RATE:
            words.insert(rng.randrange(len(words) + 1), rng.choice(PHRASES))
        if length > 12 and rng.random() < 0.4:
            cut = rng.randrange(4, length - 3)
            words[cut] += ","
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def _paragraph(self, target):
        sentences, count = [], 0
        while count < target:
            sentence = self._sentence()
            sentences.append(sentence)
            count += len(sentence.split())
        return " ".join(sentences)

    def _title(self):
        rng, vocab = self.rng, self.vocabulary
        pick = rng.choices(vocab.practice, cum_weights=vocab.practice_cum, k=2)
        return " ".join(
            [
                rng.choice(TITLE_VERBS),
                rng.choice(PHRASES),
                rng.choice(TITLE_GOALS),
                pick[0],
                pick[1],
            ]
        )

    def document(self):
        # About a quarter of the words in the aim (a TextField of at most 2,000
        # characters), the rest in "what I will try" (at most 5,000).
        aim_words = self.words // 4
        return Document(
            title=self._title(),
            aim=self._paragraph(aim_words),
            what_i_will_try=self._paragraph(self.words - aim_words - 6),
        )

    def documents(self, n):
        for _ in range(n):
            yield self.document()


def make_queries(n, seed=20251126):
    """`n` query strings of 1 to 3 practice words (or one known phrase)."""
    vocab = Vocabulary(seed)
    rng = random.Random(seed + 2)  # noqa: S311
    queries = []
    while len(queries) < n:
        if rng.random() < 0.15:
            queries.append(rng.choice(PHRASES))
            continue
        size = rng.randint(1, 3)
        words = []
        while len(words) < size:
            word = rng.choices(vocab.practice, cum_weights=vocab.practice_cum)[0]
            if word not in words:
                words.append(word)
        queries.append(" ".join(words))
    return queries
