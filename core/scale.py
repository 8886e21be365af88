"""Generated demo volume for load and performance work: `manage.py seed_demo --scale N`.

One unit of scale is 50 users, 5 evidence pages, 200 experiments, 2,000 replies and
400 critiques; N may be a fraction (0.1 is a small site for tests). Everything is
clearly fictional: users are `scale-user-00001` and so on, evidence pages are
"DEMO ...", references are "DEMO reference: ...", and the text is assembled from the
practice-like phrases below. The same `seed` on an empty database gives the same
content (dates are relative to the day it runs).

How it stays fast:

- Evidence pages go through Wagtail's tree (`add_child`, then a published revision),
  the only safe way to write treebeard paths; there are few of them.
- Everything else is inserted in bulk (`insert_as_given`, or `bulk_create` for the
  users), with no model `save()` and so no signals, notifications or index updates.
  Users, experiments, amendments, replies and critiques get their ids up front (the
  next free ones, under a table lock on PostgreSQL), so plans can be hashed, reply
  threads numbered and scores attached in memory before anything is written; the
  id sequences are reset afterwards, as `loaddata` does. Rows with `auto_now` dates
  (and replies, which span three tables of django-comments-xtd's model inheritance)
  are inserted with their values taken as given, which is how their dates can lie
  in the past.
- Denormalised counts: an experiment's `reply_count` is known before the rows are
  written; its `critique_count` (submitted critiques, whose states are drawn after
  the experiments are written) is set by one UPDATE at the end.

The rules the site's own services keep hold here too: a registered plan is frozen
with `forum.plan.plan_as_dict` and `plan_hash`, as registration does it; replies and
critiques only go to registered or concluded experiments; a critique is never by the
experiment's author, at most one per reviewer per experiment, written on the current
rubric version with a score row for each of its criteria. Nothing is held or hidden.

Loading it twice is refused (see `ScaleDataPresent`): the numbering, the seed and the
ratios describe one generated batch, so a second one goes into a fresh database.
"""

import datetime
import math
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace

from allauth.account.models import EmailAddress
from django_comments.models import Comment
from django_comments_xtd.models import XtdComment

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.demo import DEMO_PASSWORD
from accounts.models import OrganisationType, Region, User
from accounts.roles import Role, roles_ensure_groups
from critique.choices import (
    Certainty,
    CritiqueState,
    Expertise,
    PointKind,
    PointStatus,
    Recommendation,
)
from critique.counts import critique_counts_refresh_all
from critique.models import CriterionScore, Critique, CritiquePoint
from critique.rubric import rubric_ensure_default
from evidence.models import (
    AgeBand,
    EvidenceIndexPage,
    EvidencePage,
    OutcomeRating,
    PracticeHypothesis,
    Reference,
    Topic,
    TopicCategory,
)
from evidence.ratings import Effect, SourceType
from evidence.setup import pages_ensure, vocabulary_ensure
from forum.choices import (
    Comparison,
    Decision,
    FamiliesBand,
    OutcomeAgainstPrediction,
    State,
    TeamType,
)
from forum.models import Amendment, Experiment, Reply
from forum.plan import plan_as_dict, plan_hash
from forum.services import COPIED_ON_BUILD

# What one unit of --scale makes.
PER_UNIT = {
    "users": 50,
    "evidence pages": 5,
    "experiments": 200,
    "replies": 2000,
    "critiques": 400,
}
# Below these a generated site has nobody to critique and nothing to read.
MINIMUM = {"users": 3, "evidence pages": 1}
USERNAME_PREFIX = "scale-user-"
DEFAULT_SEED = 1
# Rows per INSERT (fewer where the database limits the parameters of one statement).
BATCH_SIZE = 1000
# How many experiments, replies or critiques are built in memory before writing.
CHUNK = 2000

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
# The generated site's history: three years, drafts and running tests near the end.
HISTORY_DAYS = 3 * 365

STATE_WEIGHTS = {
    State.DRAFT: 14,
    State.REGISTERED: 34,
    State.CONCLUDED: 44,
    State.WITHDRAWN: 8,
}
OPEN_STATES = (State.REGISTERED, State.CONCLUDED)
# Replicating or following up an earlier plan copies it, except for these, which
# describe the new team and its timescale.
OWN_ON_BUILD = {
    "region",
    "team_type",
    "families",
    "what_i_will_try",
    "duration",
    "prediction",
    "baseline",
    "planned_end_date",
}
# Replies per experiment follow a long tail (a few discussions run to hundreds).
REPLY_SPREAD = 1.5
MAX_REPLIES = 500
# Critiques are spread more evenly, so many experiments still want one.
CRITIQUE_SPREAD = 0.8
MAX_CRITIQUES = 15
TOP_LEVEL_SHARE = 0.45
MAX_REPLY_LEVEL = settings.COMMENTS_XTD_MAX_THREAD_LEVEL_BY_APP_MODEL.get(
    "forum.experiment", 2
)


class ScaleDataPresent(Exception):
    """Generated data is already in the database; a second batch is refused."""


@dataclass(frozen=True)
class Counts:
    users: int
    evidence_pages: int
    experiments: int
    replies: int
    critiques: int

    @classmethod
    def for_scale(cls, scale: float) -> "Counts":
        if not scale > 0:
            raise ValueError("The scale must be more than 0.")

        def count(label: str) -> int:
            return max(MINIMUM.get(label, 0), math.ceil(PER_UNIT[label] * scale))

        return cls(*(count(label) for label in PER_UNIT))


# Progress


class Progress:
    """One line per step, redrawn in place while the step runs (on a terminal only).

    While running: "  replies 120,000/200,000 (60%)"; when done:
    "  replies: 200,000 created in 41.2 s".
    """

    def __init__(self, out, *, live: bool):
        self.out = out
        self.live = live and _isatty(out)

    def step(self, label: str, total: int) -> "Step":
        return Step(self, label, total)


@dataclass
class Step:
    progress: Progress
    label: str
    total: int
    done: int = 0
    started: float = field(default_factory=time.monotonic)
    shown: int = -1
    width: int = 0

    def advance(self, count: int = 1) -> None:
        self.done += count
        if not self.progress.live or not self.total:
            return
        percent = min(100, self.done * 100 // self.total)
        if percent != self.shown:
            self.shown = percent
            self._draw(
                f"  {self.label} {self.done:,}/{self.total:,} ({percent}%)", end=""
            )

    def finish(self) -> float:
        elapsed = time.monotonic() - self.started
        self._draw(f"  {self.label}: {self.done:,} created in {elapsed:.1f} s", "\n")
        return elapsed

    def _draw(self, text: str, end: str) -> None:
        prefix = "\r" if self.progress.live else ""
        padding = " " * max(0, self.width - len(text)) if self.progress.live else ""
        self.width = len(text)
        self.progress.out.write(prefix + text + padding, ending=end)
        self.progress.out.flush()


def _isatty(out) -> bool:
    try:
        return out.isatty()
    except (AttributeError, ValueError):
        return False


# Writing rows


def _connection(model):
    return connections[router.db_for_write(model)]


def _rows_per_insert(model, field_count: int) -> int:
    """Rows per multi-row INSERT within the database's limit on parameters."""
    limit = _connection(model).features.max_query_params
    return max(1, min(BATCH_SIZE, limit // field_count)) if limit else BATCH_SIZE


def insert_as_given(model, objs: list) -> None:
    """INSERT the rows of `model`'s own table with every value as the objects hold it.

    Unlike `bulk_create` nothing is stamped (`auto_now` dates keep the value given),
    and `model` may be one table of a multi-table model: for a `Reply` the rows go
    into Comment's, XtdComment's and Reply's tables by three calls. Rows without an
    id get the table's next one. Values are prepared by each field, as for `save()`.

    PostgreSQL takes many rows per statement (Django sends them as arrays); SQLite
    is quickest given one prepared statement and every row to run it with.
    """
    if not objs:
        return
    fields = model._meta.local_concrete_fields
    if getattr(objs[0], model._meta.pk.attname) is None:
        fields = [field for field in fields if not field.primary_key]
    connection = _connection(model)
    if connection.vendor == "sqlite":
        quote = connection.ops.quote_name
        # Only the model's own (quoted) table and column names; values are parameters.
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
            quote(model._meta.db_table),
            ", ".join(quote(field.column) for field in fields),
            ", ".join(["%s"] * len(fields)),
        )
        rows = [
            [
                field.get_db_prep_save(getattr(obj, field.attname), connection)
                for field in fields
            ]
            for obj in objs
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
        return
    size = _rows_per_insert(model, len(fields))
    for start in range(0, len(objs), size):
        model._base_manager._insert(
            objs[start : start + size], fields=fields, raw=True, using=connection.alias
        )


def _bulk_create(model, objs: list) -> None:
    if objs:
        model.objects.bulk_create(
            objs, batch_size=_rows_per_insert(model, len(model._meta.concrete_fields))
        )


class Ids:
    """The next free id of a table, handed out in order."""

    def __init__(self, model):
        last = model._base_manager.order_by("-pk").values_list("pk", flat=True).first()
        self.next = (last or 0) + 1

    def take(self) -> int:
        value = self.next
        self.next += 1
        return value


# Tables whose ids are handed out here; their sequences are reset at the end.
ID_MODELS = (User, Experiment, Amendment, Comment, Critique)


def _lock_tables() -> None:
    """On PostgreSQL, keep other writers out of the tables whose ids are handed out."""
    connection = _connection(Experiment)
    if connection.vendor != "postgresql":
        return  # SQLite has one writer at a time; these settings lock on BEGIN.
    tables = ", ".join(
        connection.ops.quote_name(model._meta.db_table) for model in ID_MODELS
    )
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")


def _reset_sequences() -> None:
    connection = _connection(Experiment)
    statements = connection.ops.sequence_reset_sql(no_style(), list(ID_MODELS))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


# Vocabulary: practice-like and fictional; nothing names a person, place or service.

# (title phrase, "If I ..." phrase)
APPROACHES = [
    ("Visual safety plans", "agree a one-page visual safety plan with the family"),
    ("Weekly check-in calls", "make a ten-minute check-in call to parents each week"),
    (
        "Plans in the family's words",
        "write the plan with the family in their own words",
    ),
    (
        "Family network meetings",
        "hold a family network meeting before the first review",
    ),
    (
        "Strengths and worries maps",
        "complete a strengths and worries map at each visit",
    ),
    (
        "Structured handover notes",
        "use a structured handover note when a case moves team",
    ),
    (
        "Direct-work cards",
        "use direct-work cards to hear the child's views before meetings",
    ),
    ("Shared genograms", "complete a genogram together with the young person"),
    ("Reminder texts", "send a reminder text the day before each meeting"),
    (
        "Pre-meeting conversations",
        "talk with the child beforehand about who will attend",
    ),
    ("Reflective case discussions", "bring the case to a reflective group discussion"),
    ("Plain-language letters", "send a plain-language letter after each conference"),
    (
        "Joint first-month visits",
        "visit jointly with the health visitor in the first month",
    ),
    ("Co-written chronologies", "write the chronology together with the parents"),
    (
        "Activity-based sessions",
        "meet the young person for an activity rather than talk",
    ),
    (
        "Welcome packs for carers",
        "give new foster carers a welcome pack and a named buddy",
    ),
    (
        "Named contacts between visits",
        "give the family one named contact between visits",
    ),
    ("Strengths-based review agendas", "use a strengths-based agenda at every review"),
    ("Motivational questions", "open each visit with three motivational questions"),
    (
        "'What matters to me' pages",
        "complete a 'what matters to me' page with the child",
    ),
    ("Walk-and-talk visits", "offer young people a walk-and-talk visit"),
    ("Evening appointments", "offer working parents appointments after five o'clock"),
    ("Scaling questions", "ask the same scaling question at the start of each visit"),
    (
        "Return conversations",
        "hold a calm return conversation within a day of going missing",
    ),
]
# (title phrase, "with ..." phrase)
GROUPS = [
    ("parents on child in need plans", "parents of children on child in need plans"),
    ("early help families", "families referred for early help"),
    (
        "teenagers at risk of exploitation",
        "young people aged 14 to 17 at risk of exploitation",
    ),
    ("foster carers", "foster carers of children aged 6 to 11"),
    ("new kinship carers", "kinship carers in their first year"),
    ("care leavers", "care leavers moving into their first tenancy"),
    ("parents with learning disabilities", "parents with a learning disability"),
    (
        "families after domestic abuse",
        "families where domestic abuse has been reported",
    ),
    ("young people who go missing", "young people who go missing from home"),
    ("parents of babies", "parents of babies on child protection plans"),
    ("disabled children", "disabled children and their parents"),
    (
        "families awaiting assessment",
        "families waiting for a child and family assessment",
    ),
    ("children returning home", "children returning home from care"),
    ("newly arrived young people", "unaccompanied young people new to the area"),
    ("parents in pre-proceedings", "parents in the pre-proceedings stage"),
]
# ("then ..." phrase, direction, unit counted in a baseline)
OUTCOMES = [
    ("the number of missed home visits", "decrease", "planned visits"),
    ("parents' attendance at review meetings", "increase", "review meetings"),
    ("the share of children whose views are recorded", "increase", "conferences"),
    ("the number of placement moves", "decrease", "placements"),
    ("parents' confidence in the plan", "increase", "ratings"),
    ("re-referrals within twelve months", "decrease", "closed cases"),
    ("episodes of going missing", "decrease", "weeks"),
    ("the days from referral to first visit", "decrease", "referrals"),
    ("young people's rating of their relationship with me", "increase", "ratings"),
    ("wider family attendance at planning meetings", "increase", "meetings"),
    ("cancelled family time sessions", "decrease", "planned sessions"),
    ("actions completed by the next review", "increase", "agreed actions"),
]
MECHANISMS = [
    "families know what is expected and can plan around it",
    "the child's own words shape the plan",
    "parents feel listened to and less defensive",
    "the wider family take on part of the support",
    "problems are noticed and talked about earlier",
    "everyone works from the same short document",
    "young people have one trusted adult to go to",
    "workers have time to think before acting",
    "it removes practical barriers such as travel and childcare",
    "it turns a one-off conversation into a habit",
]
DOSES = [
    "one 30-minute session per family",
    "a ten-minute call each week",
    "one extra visit a month",
    "two short sessions before each review",
    "one meeting at the start and one at the end",
    "about 20 minutes at each visit",
]
FREQUENCIES = [
    "weekly",
    "fortnightly",
    "before each review",
    "at every home visit",
    "monthly",
]
MEASURES = [
    "A weekly tally of {outcome} from case records, compared with the same weeks "
    "before the test.",
    "A five-point rating completed with each parent at the start, the middle and the end.",
    "Attendance taken from the team's meeting log, with reasons for non-attendance "
    "in the usual categories.",
    "A short questionnaire the young person fills in at three points, with my help "
    "if they want it.",
    "Dates taken from the case management system and checked against my diary.",
]
MEASURE_WHEN = [
    "weekly",
    "at the start and the end",
    "after each meeting",
    "monthly and at the end",
]
MEASURE_WHO = [
    "me, from case records",
    "the family, with my support",
    "our team administrator",
    "the young person, on a short card",
    "my team manager, from the meeting log",
]
SUCCESS = [
    "At least a quarter better than the baseline, and no family worse off.",
    "At least two in three families say it helped, and the count moves the right way.",
    "A clear change for most families, not one or two pulling the average.",
    "Half the gap between the baseline and where we want to be.",
]
CHILD_VOICE = [
    "Each child is asked, using picture cards, what went well and what should change.",
    "Young people choose what we talk about at the start of each session.",
    "I ask the child privately how meetings felt, and record it in their words.",
    "Children under five are observed in play; older children are asked directly.",
    "The young person reads what I write about them and can add their own comment.",
]
AIM_OPENINGS = [
    "Find out whether",
    "Test whether",
    "See if",
    "Learn whether",
]
TRY_EXTRAS = [
    "I will keep everything else about my practice the same so the comparison is fair.",
    "My team manager has agreed the extra time, and I will note each session in the "
    "case record.",
    "Where a family prefers, I will do it by phone rather than in person.",
    "I will start with the families on my caseload whose next review is soonest.",
    "If a family says no, I will carry on as usual and note that they declined.",
]
RESULTS_PRACTICE = [
    "I used it with {families} over {weeks} weeks; most sessions happened as planned.",
    "It ran for {weeks} weeks with {families}. Two sessions moved to the phone "
    "because of illness.",
    "I kept to the plan with {families}, though the last two weeks were squeezed by "
    "court work.",
]
DEVIATIONS = [
    "",
    "One family moved out of the area in week {week}, so their figures stop there.",
    "I started a week late because of a duty rota change.",
    "A colleague covered two visits during my leave and used the same approach.",
]
WHAT_HAPPENED = [
    "{after} of {total} {unit} this time, against {before} of {total} before.",
    "The count moved from {before} to {after} out of {total} {unit}.",
    "Ratings moved from an average of {before_rating} to {after_rating} out of five.",
]
FAMILY_VOICE = [
    "One parent said it was the first time the plan made sense to them.",
    "A young person said the sessions felt 'less like being checked on'.",
    "A carer said knowing what to expect made the weeks calmer.",
    "One family found it repetitive by the end and said so.",
]
REFLECTIONS = [
    "Small numbers, so chance could explain much of this. The families also had "
    "other support starting around the same time.",
    "The baseline period included the summer holidays, which may have made it look "
    "worse than usual.",
    "I may have been more attentive simply because I was testing something; another "
    "worker trying it would tell us more.",
    "The measure relied on my own records, so a second person checking would help.",
]
NEXT_STEPS = [
    "Offer it to the rest of the team and compare across caseloads.",
    "Run a second cycle with a clearer measure before deciding.",
    "Stop, and try the second idea from the evidence page instead.",
    "Keep it for new families and review in six months.",
]
ADVICE = [
    "Keep it short and the same every time; families notice when it changes.",
    "Agree the measure with your manager before you start, not after.",
    "Tell families it is a test and that they can say no.",
    "Count the baseline the same way you count the results.",
]
# How much the counted outcome moved, as a share of the baseline, for an outcome the
# plan meant to decrease (the sign is turned round for one meant to increase).
RESULT_CHANGE = {
    "better": -0.5,
    "as_predicted": -0.3,
    "smaller": -0.1,
    "no_change": 0,
    "worse": 0.2,
    "mixed": -0.05,
}
WITHDRAWAL_REASONS = [
    "I moved to a different team before the test could finish.",
    "A restructure meant the families were reallocated part way through.",
    "I realised the measure could not be collected without extra burden on families.",
    "Caseloads changed so much that the comparison no longer made sense.",
]
AMENDMENT_REASONS = [
    "The first two weeks showed the original wording did not match what I could "
    "actually record.",
    "My manager suggested a clearer way of counting, agreed before any results "
    "were in.",
    "A family asked for a different time, so the plan now says what really happens.",
]
AMENDMENT_ADDITIONS = [
    " (checked against the team diary)",
    ", recorded by the end of the same working day",
    ", with phone sessions counted the same as visits",
]
REPLY_OPENINGS = [
    "How did you decide on {frequency} rather than something less often?",
    "We tried something similar in our team and the first few weeks were the hardest.",
    "Did the families know it was a test? I'd be interested in how you explained it.",
    "Really clear plan. Will you break the baseline down by family?",
    "Could you share the template? It sounds like something our team could try.",
    "Could part of the change be seasonal, since the baseline covers a different "
    "time of year?",
    "Following this with interest; our team has the same problem with {outcome}.",
    "How much extra time does this take each week?",
    "Were there families it didn't suit, and what was different for them?",
    "I like that the measure comes from records you already keep.",
    "Would this work with {group}, do you think?",
    "Have you thought about asking the young people to help design the measure?",
]
REPLY_FOLLOW_ONS = [
    "Agreed, that matches what we saw.",
    "That's helpful, thank you.",
    "Same here: it took about a month to settle.",
    "Good point. I hadn't thought about the school holidays.",
    "We found the same with evening appointments.",
    "I'd second that; a second worker trying it would tell us a lot.",
]
AUTHOR_ANSWERS = [
    "Thanks, good question. We kept the timing fixed so the comparison stays fair.",
    "I'll add that to the results when I post them.",
    "About half an hour a week, mostly preparation.",
    "Yes, everyone was told at the first visit and could say no.",
    "Happy to share the template once the test has finished.",
    "Not yet, but it's on the list for the next cycle.",
]
REPLY_EXTRAS = [
    "",
    "",
    " Thanks for writing it up so clearly.",
    " Happy to compare notes in supervision.",
    " It would be good to see the figures per family.",
]
STRENGTHS = [
    "Registered before starting, with a baseline from records and a threshold set "
    "in advance.",
    "The hypothesis is specific and the mechanism is plausible.",
    "A practical test that another team could pick up tomorrow.",
    "Honest about its limits, and the child's voice is built in from the start.",
    "The measure comes from records already kept, so little extra burden on families.",
]
OTHER_EXPLANATIONS = [
    "Regression to the mean: the baseline may have been an unusually bad run.",
    "Other support started around the same time for some families.",
    "Seasonal change between the baseline and the test period.",
    "The extra attention of a test may explain some of the change.",
]
SUGGESTIONS = [
    "Report each family's figures separately next time.",
    "Ask a colleague to count the outcome without knowing which period it is from.",
    "Keep the same measure for a second cycle before changing anything else.",
    "Compare with a team that is not trying it over the same weeks.",
]
MISSED_EVIDENCE = [
    "DEMO reference: a fictional review of similar approaches in early help.",
    "DEMO reference: a fictional practice guide on recording the child's voice.",
    "The evidence page's second practice hypothesis tests a closely related idea.",
]
CONCERNS = [
    "The baseline and the test period were counted in different ways.",
    "With so few families, one family can swing the result a long way.",
    "The success threshold is not clear enough to say whether it was met.",
    "The measure depends on the worker's own judgement, which may have shifted.",
]
QUESTIONS = [
    "Did any families decline, and how did they differ from those who took part?",
    "How many sessions did each family actually receive?",
    "Was the comparison period the same length as the test?",
    "Who recorded the outcome, and when?",
]
POINT_REPLIES = [
    "Fair point; I have added the figures to the discussion.",
    "I didn't record that, but I will in the next cycle.",
    "I see it differently: the same measure was used throughout.",
    "Thanks. I have reworded the threshold for the next cycle.",
]
SCORE_COMMENTS = [
    "Clear and specific.",
    "The measure could be sharper.",
    "A baseline from records would help here.",
    "Well reasoned.",
    "Hard to tell from what is written.",
]
CRITIQUE_WITHDRAWAL_REASONS = [
    "I misread the plan; the author had already covered this.",
    "I realised I know one of the families involved, so I have stepped back.",
]
CONFLICTS = [
    "I trained alongside the author some years ago.",
    "Our teams share a manager.",
]
# Evidence pages: "DEMO <kind> <thing> <number>".
PAGE_KINDS = [
    "Structured",
    "Brief",
    "Relational",
    "Whole-family",
    "Strengths-based",
    "Peer-led",
    "Visual",
    "Reflective",
    "Graded",
    "Co-produced",
]
PAGE_THINGS = [
    "family meeting",
    "safety plan",
    "direct-work toolkit",
    "supervision model",
    "case note template",
    "transition plan",
    "mentoring scheme",
    "parenting group",
    "home visit checklist",
    "family time planner",
    "early help pathway",
    "return home interview",
]
PAGE_POINTS = [
    "Families using it reported clearer expectations.",
    "A small fictional comparison found modest benefits; the evidence is limited.",
    "No clear difference was found in longer-term outcomes.",
    "Works best where families help set the goals.",
    "Needs protected time in supervision to be kept up.",
    "Low cost once staff have been briefed.",
]
PAGE_OUTCOMES = [
    "Fewer missed appointments",
    "Parents understand the plan",
    "Children's views are recorded",
    "Fewer placement moves",
    "Young people feel listened to",
    "Fewer re-referrals",
]


@dataclass(slots=True)
class ExperimentRecord:
    """What the later steps need to know of a generated experiment."""

    pk: int
    author: int  # index into the generated users
    state: str
    created_at: datetime.datetime
    registered_at: datetime.datetime | None = None
    concluded_at: datetime.datetime | None = None
    withdrawn_at: datetime.datetime | None = None
    weeks: int = 0
    replies: int = 0
    critiques: int = 0


@dataclass(slots=True)
class UserRecord:
    pk: int
    public_name: str
    email: str
    expertise: str


def _between(rng: random.Random, start, end):
    """A moment between two others (the first one when they are the wrong way round)."""
    fraction = rng.random()  # drawn either way, so later draws do not shift
    if end <= start:
        return start
    return start + (end - start) * fraction


def _working_time(rng: random.Random, day: datetime.datetime) -> datetime.datetime:
    return day.replace(
        hour=rng.randint(8, 17), minute=rng.randint(0, 59), second=0, microsecond=0
    )


def spread(rng: random.Random, total: int, weights: list[float], cap: int) -> list:
    """Whole counts adding up to `total` (or every cap, if less), roughly in proportion."""
    counts = [0] * len(weights)
    remaining = total
    open_ = [index for index, weight in enumerate(weights) if weight > 0]
    while remaining > 0 and open_:
        weight_sum = sum(weights[index] for index in open_)
        given = 0
        for index in open_:
            share = min(
                cap - counts[index], int(remaining * weights[index] / weight_sum)
            )
            counts[index] += share
            given += share
        if given == 0:
            # The shares round down to nothing: one more each, heaviest first.
            for index in sorted(open_, key=lambda index: -weights[index]):
                if given == remaining:
                    break
                counts[index] += 1
                given += 1
        remaining -= given
        open_ = [index for index in open_ if counts[index] < cap]
    return counts


class Generator:
    """Builds and writes one generated batch; `run()` does every step in order."""

    def __init__(self, counts: Counts, *, seed: int, progress: Progress):
        self.counts = counts
        self.seed = seed
        self.progress = progress
        # Every date is counted back from midnight, so a seed gives the same content
        # whatever the time of day (only the dates move with the day it runs).
        self.now = timezone.localtime().replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        self.today = self.now.date()
        self.users: list[UserRecord] = []
        self.pages: list[EvidencePage] = []
        self.hypotheses: dict[int, list[PracticeHypothesis]] = {}
        self.experiments: list[ExperimentRecord] = []
        self.created: dict[str, int] = {}

    def rng(self, step: str) -> random.Random:
        """A generator per step, so changing one step leaves the others' content alone."""
        return random.Random(f"{self.seed}:{step}")  # noqa: S311 (repeatable demo data)

    def run(self) -> dict[str, int]:
        if User.objects.filter(username__startswith=USERNAME_PREFIX).exists():
            raise ScaleDataPresent(
                "Scale data is already present (users named "
                f"{USERNAME_PREFIX}…); a second batch is not added. Load it into an "
                "empty database instead (`manage.py flush`, or a new DATABASE_URL, "
                "then `migrate`)."
            )
        vocabulary_ensure()
        pages_ensure()
        self.groups = roles_ensure_groups()
        self.version = rubric_ensure_default()
        self.criteria = list(self.version.criteria.order_by("position"))
        self.topics = list(Topic.objects.order_by("category", "sort_order", "name"))
        self.stages = [t for t in self.topics if t.category == TopicCategory.STAGE]
        self.bands = list(AgeBand.objects.order_by("sort_order"))
        _lock_tables()
        self.users_create()
        self.pages_create()
        self.experiments_create()
        self.replies_create()
        self.critiques_create()
        critique_counts_refresh_all()
        _reset_sequences()
        return self.created

    # Users

    def users_create(self) -> None:
        rng = self.rng("users")
        total = self.counts.users
        step = self.progress.step("users", total)
        ids = Ids(User)
        # One hash for every generated account: hashing thousands would take minutes.
        password = make_password(DEMO_PASSWORD)
        width = max(5, len(str(total)))
        roles = [
            ((Role.PRACTITIONER,), Expertise.PRACTITIONER, "Practitioner"),
            ((Role.TEAM_MANAGER, Role.PRACTITIONER), Expertise.MANAGER, "Team manager"),
            (
                (Role.PRINCIPAL_SOCIAL_WORKER,),
                Expertise.PRACTITIONER,
                "Principal social worker",
            ),
            ((Role.RESEARCHER,), Expertise.RESEARCHER, "Researcher"),
        ]
        role_weights = [70, 12, 5, 13]
        organisations = [value for value, _label in OrganisationType.choices]
        organisation_weights = [55, 15, 6, 4, 8, 10, 2]
        regions = [value for value, _label in Region.choices]
        for start in range(0, total, CHUNK):
            users, memberships, addresses = [], [], []
            for number in range(start + 1, min(total, start + CHUNK) + 1):
                role_set, expertise, label = rng.choices(roles, role_weights)[0]
                if rng.random() < 0.04:
                    expertise = Expertise.LIVED_EXPERIENCE
                username = f"{USERNAME_PREFIX}{number:0{width}d}"
                user = User(
                    id=ids.take(),
                    username=username,
                    email=f"{username}@example.invalid",
                    password=password,
                    display_name=f"{label} {number:0{width}d} (DEMO)",
                    organisation_type=rng.choices(organisations, organisation_weights)[
                        0
                    ],
                    region=rng.choice(regions),
                    is_verified_practitioner=rng.random() < 0.6,
                    date_joined=self.now
                    - (HISTORY_DAYS + rng.randint(1, 300)) * DAY
                    + rng.randint(0, 36_000) * datetime.timedelta(seconds=1),
                )
                users.append(user)
                self.users.append(
                    UserRecord(user.pk, user.public_name, user.email, expertise)
                )
                memberships += [
                    User.groups.through(user_id=user.pk, group_id=self.groups[role].pk)
                    for role in role_set
                ]
                addresses.append(
                    EmailAddress(
                        user_id=user.pk, email=user.email, verified=True, primary=True
                    )
                )
            _bulk_create(User, users)
            _bulk_create(User.groups.through, memberships)
            _bulk_create(EmailAddress, addresses)
            step.advance(len(users))
        self.created["users"] = step.done
        step.finish()

    # Evidence pages

    def pages_create(self) -> None:
        rng = self.rng("evidence pages")
        total = self.counts.evidence_pages
        step = self.progress.step("evidence pages", total)
        index = EvidenceIndexPage.objects.get()
        for number in range(1, total + 1):
            page = self._page(rng, number)
            index.add_child(instance=page)
            page.save_revision().publish()
            self.pages.append(page)
            self.hypotheses[page.pk] = list(page.hypotheses.all())
            step.advance()
        self.created["evidence pages"] = step.done
        step.finish()

    def _page(self, rng: random.Random, number: int) -> EvidencePage:
        kind, thing = rng.choice(PAGE_KINDS), rng.choice(PAGE_THINGS)
        title = f"DEMO {kind} {thing} {number:03d}"
        group = rng.choice(GROUPS)[1]
        reviewed = self.today - rng.randint(0, 700) * DAY
        first_band = rng.randrange(len(self.bands))
        page = EvidencePage(
            title=title,
            slug=f"demo-scale-{number:04d}-{slugify(f'{kind} {thing}')}",
            standfirst=(
                f"A fictional {kind.lower()} {thing} for work with {group}. "
                "Generated demo content: no real programme is described or rated."
            ),
            headline_points=[
                ("point", point) for point in rng.sample(PAGE_POINTS, rng.randint(3, 5))
            ],
            what_it_is=(
                f"<p>The {title} is a fictional {thing} used by social workers with "
                f"{group}. It takes {rng.choice(DOSES)}, {rng.choice(FREQUENCIES)}.</p>"
            ),
            mechanism=f"<p>It is expected to help because {rng.choice(MECHANISMS)}.</p>",
            context=f"<p>Tried in fictional teams working with {group}.</p>",
            implementation=(
                "<p>Staff need a short briefing and time in supervision to keep it "
                "going. Managers should check it is reviewed, not filed.</p>"
            ),
            cost_rating=rng.choice([None, 1, 2, 2, 3, 3, 4, 5]),
            cost_note="Mainly staff time.",
            source_type=rng.choice(SourceType.values),
            last_reviewed=reviewed,
            next_review=reviewed + 365 * DAY,
        )
        page.outcome_ratings = [
            OutcomeRating(
                outcome=outcome,
                effect=rng.choice(Effect.values),
                strength=rng.randint(0, 4),
                summary="A fictional study; see the limits above.",
            )
            for outcome in rng.sample(PAGE_OUTCOMES, rng.randint(1, 3))
        ]
        page.hypotheses = [
            PracticeHypothesis(
                statement=self._hypothesis_sentence(rng)[:300],
                guidance="Start with two or three families and count before and after.",
            )
            for _number in range(rng.randint(1, 3))
        ]
        page.references = [
            Reference(
                citation=f"DEMO reference: a fictional study of a {thing} "
                f"({2015 + rng.randint(0, 9)}). Not a real publication."
            )
        ]
        page.topics = rng.sample(self.topics, rng.randint(1, 3))
        page.age_bands = self.bands[first_band : first_band + rng.randint(1, 3)]
        return page

    def _hypothesis_sentence(self, rng: random.Random) -> str:
        change = rng.choice(APPROACHES)[1]
        who = rng.choice(GROUPS)[1]
        outcome, direction, _unit = rng.choice(OUTCOMES)
        return (
            f"If I {change} with {who} then {outcome} will {direction} because "
            f"{rng.choice(MECHANISMS)}."
        )

    # Experiments

    def _timeline(self, rng: random.Random, record: ExperimentRecord) -> None:
        """Dates for one experiment, consistent with its state and with today."""
        now = self.now
        if record.state == State.DRAFT:
            record.created_at = now - rng.uniform(0.5, 120) * DAY
            return
        if record.state == State.REGISTERED:
            days_ago = rng.randint(2, 200)
            # Still running: its planned end is today or later.
            record.weeks = max(rng.randint(4, 26), math.ceil(days_ago / 7) + 1)
        elif record.state == State.CONCLUDED:
            days_ago = rng.randint(40, HISTORY_DAYS)
            record.weeks = rng.randint(4, min(26, days_ago // 7 - 1))
        else:
            days_ago = rng.randint(14, HISTORY_DAYS)
            record.weeks = rng.randint(4, 26)
        registered = _working_time(rng, now - days_ago * DAY)
        record.registered_at = registered
        record.created_at = registered - rng.uniform(0.2, 14) * DAY
        if record.state == State.CONCLUDED:
            end = registered + record.weeks * 7 * DAY
            record.concluded_at = _between(
                rng, end, min(end + 21 * DAY, now - HOUR)
            ).replace(microsecond=0)
        elif record.state == State.WITHDRAWN:
            record.withdrawn_at = _between(
                rng, registered + DAY, min(registered + 120 * DAY, now - HOUR)
            ).replace(microsecond=0)

    def experiments_create(self) -> None:
        rng = self.rng("experiments")
        total = self.counts.experiments
        step = self.progress.step("experiments", total)
        # Some people write many experiments, most write one or two.
        author_weights = [rng.lognormvariate(0, 1.0) for _user in self.users]
        authors = rng.choices(range(len(self.users)), author_weights, k=total)
        states = rng.choices(list(STATE_WEIGHTS), list(STATE_WEIGHTS.values()), k=total)
        records = []
        for author, state in zip(authors, states, strict=True):
            record = ExperimentRecord(pk=0, author=author, state=state, created_at=None)
            self._timeline(rng, record)
            records.append(record)
        # Ids in the order they were started, as the site would have given them.
        records.sort(key=lambda record: record.created_at)
        ids = Ids(Experiment)
        for record in records:
            record.pk = ids.take()
        self.experiments = records
        self._allocate_discussion(rng)

        # Earlier public experiments that a later one can replicate or follow up.
        public = sorted(
            (record for record in records if record.state in OPEN_STATES),
            key=lambda record: record.registered_at,
        )
        plans: dict[int, dict] = {}
        available: list[ExperimentRecord] = []
        by_author: dict[int, list[ExperimentRecord]] = defaultdict(list)
        next_public = 0
        amendment_ids = Ids(Amendment)
        for start in range(0, total, CHUNK):
            experiments, links, amendments = [], [], []
            for record in records[start : start + CHUNK]:
                while (
                    next_public < len(public)
                    and public[next_public].registered_at < record.created_at
                ):
                    earlier = public[next_public]
                    available.append(earlier)
                    by_author[earlier.author].append(earlier)
                    next_public += 1
                source, link = self._build_on(rng, record, available, by_author)
                experiment, topics, unit = self._experiment(
                    rng, record, plans.get(source.pk) if source else None
                )
                if link:
                    setattr(experiment, f"{link}_id", source.pk)
                if record.state != State.DRAFT:
                    self._register(experiment, topics)
                if record.state in OPEN_STATES:
                    plans[record.pk] = {
                        **{name: getattr(experiment, name) for name in COPIED_ON_BUILD},
                        "topics": topics,
                        "unit": unit,
                    }
                    if rng.random() < 0.1:
                        amendments.append(
                            self._amendment(rng, record, experiment, amendment_ids)
                        )
                experiments.append(experiment)
                links += [
                    Experiment.topics.through(
                        experiment_id=experiment.pk, topic_id=topic.pk
                    )
                    for topic in topics
                ]
            insert_as_given(Experiment, experiments)
            insert_as_given(Experiment.topics.through, links)
            insert_as_given(Amendment, amendments)
            step.advance(len(experiments))
        self.created["experiments"] = step.done
        step.finish()

    def _allocate_discussion(self, rng: random.Random) -> None:
        """How many replies and critiques each open experiment gets, before any is written."""
        open_ = [record for record in self.experiments if record.state in OPEN_STATES]
        reply_weights = [rng.lognormvariate(0, REPLY_SPREAD) for _record in open_]
        for record, count in zip(
            open_,
            spread(rng, self.counts.replies, reply_weights, MAX_REPLIES),
            strict=True,
        ):
            record.replies = count
        critique_weights = [rng.lognormvariate(0, CRITIQUE_SPREAD) for _record in open_]
        # Nobody critiques their own experiment, so each has at most users - 1.
        cap = min(MAX_CRITIQUES, len(self.users) - 1)
        for record, count in zip(
            open_,
            spread(rng, self.counts.critiques, critique_weights, cap),
            strict=True,
        ):
            record.critiques = count

    def _build_on(self, rng, record, available, by_author):
        """An earlier public experiment this one replicates or follows up, if any."""
        roll = rng.random()
        if roll < 0.06 and available:
            source = available[rng.randrange(len(available))]
            if source.author != record.author:
                return source, "replication_of"
        elif roll < 0.09 and by_author.get(record.author):
            return rng.choice(by_author[record.author]), "follow_up_of"
        return None, ""

    def _experiment(self, rng: random.Random, record: ExperimentRecord, copied):
        """The experiment's row (not yet saved), its topics and what its outcome counts."""
        title_part, change = rng.choice(APPROACHES)
        group_short, who = rng.choice(GROUPS)
        outcome, direction, unit = rng.choice(OUTCOMES)
        frequency = rng.choice(FREQUENCIES)
        if copied:
            # The earlier plan's hypothesis, tried by this team on its own timescale.
            change, who = copied["hypothesis_change"], copied["hypothesis_who"]
            outcome = copied["hypothesis_outcome"]
            direction = copied["hypothesis_direction"]
            frequency, unit = copied["frequency"], copied["unit"]
        weeks = record.weeks or rng.randint(4, 26)
        families_band = rng.choice(FamiliesBand.values)
        families = {"1": 1, "2-5": 4, "6-10": 8, "11-20": 15, "21+": 24}[families_band]
        base_total = rng.randint(12, 60)
        base_count = rng.randint(3, base_total // 2)
        page = rng.choice(self.pages) if self.pages and rng.random() < 0.8 else None
        hypotheses = self.hypotheses.get(page.pk, []) if page else []
        data = {
            "title": rng.choice(
                [
                    f"{title_part} with {group_short}",
                    f"Trying {title_part.lower()} with {group_short}",
                    f"Do {title_part.lower()} help {group_short}?",
                ]
            )[:160],
            "aim": f"{rng.choice(AIM_OPENINGS)} {outcome} will {direction} for "
            f"{who} if I {change}.",
            "hypothesis_change": change,
            "hypothesis_who": who,
            "hypothesis_outcome": outcome,
            "hypothesis_direction": direction,
            "hypothesis_mechanism": rng.choice(MECHANISMS),
            "evidence_page": page,
            "practice_hypothesis": rng.choice(hypotheses)
            if hypotheses and rng.random() < 0.5
            else None,
            "outside_reference": ""
            if page
            else f"DEMO reference: a fictional practice guide on {outcome}.",
            "service_stage": rng.choice(self.stages),
            "team_type": rng.choice(TeamType.values),
            "age_band": rng.choice(self.bands),
            "families": families_band,
            "region": rng.choice(Region.values),
            "what_i_will_try": f"I will {change} with {who}, {frequency}, for "
            f"{weeks} weeks. {rng.choice(TRY_EXTRAS)}",
            "dose": rng.choice(DOSES),
            "frequency": frequency,
            "duration": f"{weeks} weeks",
            "comparison": rng.choice(Comparison.values),
            "measure": rng.choice(MEASURES).format(outcome=outcome),
            "measure_when": rng.choice(MEASURE_WHEN),
            "measure_who": rng.choice(MEASURE_WHO),
            "prediction": f"I expect {outcome} to {direction} compared with the "
            f"{weeks} weeks before.",
            "success_threshold": rng.choice(SUCCESS),
            "baseline": f"In the {weeks} weeks before, {base_count} of {base_total} "
            f"{unit} (about {round(100 * base_count / base_total)}%).",
            "family_informed": rng.random() < 0.9,
            "child_voice": rng.choice(CHILD_VOICE),
        }
        topics = rng.sample(self.topics, rng.randint(1, 3))
        if copied:
            # Built on an earlier plan: its text, but this team's own circumstances.
            data.update(
                {
                    name: copied[name]
                    for name in COPIED_ON_BUILD
                    if name not in OWN_ON_BUILD
                }
            )
            topics = list(copied["topics"])
        retrospective = record.state != State.DRAFT and rng.random() < 0.08
        created = record.created_at.replace(microsecond=0)
        experiment = Experiment(
            **{
                "manager_aware": True,
                "within_statutory_duties": True,
                **data,
                "id": record.pk,
                "author_id": self.users[record.author].pk,
                "state": record.state,
                "anonymisation_attested": True,
                "data_collection_started": retrospective,
                "is_retrospective": retrospective,
                "reply_count": record.replies,
                "created_at": created,
                "updated_at": created,
            }
        )
        if record.state == State.DRAFT:
            experiment.planned_end_date = self.today + weeks * 7 * DAY
            experiment.updated_at = _between(
                rng, experiment.created_at, self.now
            ).replace(microsecond=0)
            return experiment, topics, unit
        experiment.registered_at = record.registered_at
        experiment.planned_end_date = (
            record.registered_at.date() + record.weeks * 7 * DAY
        )
        experiment.updated_at = record.registered_at
        if record.state == State.CONCLUDED:
            self._results(
                rng, experiment, record, families, (base_count, base_total, unit)
            )
        elif record.state == State.WITHDRAWN:
            experiment.withdrawn_at = record.withdrawn_at
            experiment.withdrawal_reason = rng.choice(WITHDRAWAL_REASONS)
            experiment.updated_at = record.withdrawn_at
        return experiment, topics, unit

    def _results(self, rng, experiment, record, families, baseline) -> None:
        before, total, unit = baseline
        outcome = rng.choice(OutcomeAgainstPrediction.values)
        change = RESULT_CHANGE[outcome]
        if experiment.hypothesis_direction == "increase":
            change = -change
        after = max(0, min(total, round(before * (1 + change))))
        values = {
            "families": "one family" if families == 1 else f"{families} families",
            "weeks": record.weeks,
            "week": rng.randint(2, max(2, record.weeks - 1)),
            "before": before,
            "after": after,
            "total": total,
            "unit": unit,
            "before_rating": round(rng.uniform(2, 3.2), 1),
            "after_rating": round(rng.uniform(2.5, 4.2), 1),
        }
        experiment.actual_practice = rng.choice(RESULTS_PRACTICE).format(**values)
        experiment.deviations = rng.choice(DEVIATIONS).format(**values)
        experiment.outcome_against_prediction = outcome
        experiment.what_happened = rng.choice(WHAT_HAPPENED).format(**values)
        experiment.family_voice = rng.choice(FAMILY_VOICE)
        experiment.reflection = rng.choice(REFLECTIONS)
        experiment.decision = rng.choices(Decision.values, [35, 45, 20])[0]
        experiment.next_step = rng.choice(NEXT_STEPS)
        experiment.advice = rng.choice(ADVICE)
        experiment.concluded_at = record.concluded_at
        experiment.updated_at = record.concluded_at

    def _register(self, experiment: Experiment, topics: list) -> None:
        """Freeze the plan exactly as registration does, with the topics from memory."""
        source = _PlanSource(experiment, topics)
        plan = plan_as_dict(source, registered_at=experiment.registered_at)
        experiment.registered_plan = plan
        experiment.plan_sha256 = plan_hash(plan)

    def _amendment(self, rng, record, experiment, ids: Ids) -> Amendment:
        field_name = rng.choice(["measure_who", "measure_when", "frequency", "dose"])
        previous = getattr(experiment, field_name)
        end = record.concluded_at or self.now
        return Amendment(
            id=ids.take(),
            experiment_id=experiment.pk,
            author_id=experiment.author_id,
            field=field_name,
            previous_text=previous,
            new_text=(previous + rng.choice(AMENDMENT_ADDITIONS))[:200],
            reason=rng.choice(AMENDMENT_REASONS),
            created_at=_between(
                rng,
                record.registered_at + DAY,
                min(end, record.registered_at + 30 * DAY),
            ).replace(microsecond=0),
        )

    # Replies

    def replies_create(self) -> None:
        rng = self.rng("replies")
        total = sum(record.replies for record in self.experiments)
        step = self.progress.step("replies", total)
        content_type = ContentType.objects.get_for_model(Experiment)
        user_weights = [rng.lognormvariate(0, 1.0) for _user in self.users]
        ids = Ids(Comment)
        batch: list[Reply] = []
        for record in self.experiments:
            if not record.replies:
                continue
            batch += self._discussion(rng, record, content_type, user_weights, ids)
            if len(batch) >= CHUNK:
                self._write_replies(batch)
                step.advance(len(batch))
                batch = []
        self._write_replies(batch)
        step.advance(len(batch))
        self.created["replies"] = step.done
        step.finish()

    def _discussion(self, rng, record, content_type, user_weights, ids) -> list:
        """One experiment's replies, threaded and numbered as django-comments-xtd does."""
        count = record.replies
        start = record.registered_at + HOUR
        end = self.now - 10 * datetime.timedelta(minutes=1)
        if record.concluded_at:
            end = min(end, record.concluded_at + 60 * DAY)
        times = sorted(_between(rng, start, end) for _reply in range(count))
        writers = rng.choices(range(len(self.users)), user_weights, k=count)
        author = self.users[record.author]
        replies: list[Reply] = []
        children: dict[int, list[Reply]] = defaultdict(list)
        answerable: list[Reply] = []
        for position in range(count):
            parent = None
            if replies and answerable and rng.random() > TOP_LEVEL_SHARE:
                # Mostly answers to something recent in the discussion.
                parent = answerable[
                    -1 - min(len(answerable) - 1, int(rng.expovariate(0.4)))
                ]
            writer = self.users[writers[position]]
            if (
                parent is not None
                and parent.user_id != author.pk
                and rng.random() < 0.35
            ):
                writer = author
            when = times[position]
            if position and when <= replies[-1].submit_date:
                when = replies[-1].submit_date + datetime.timedelta(seconds=1)
            reply = Reply(
                id=ids.take(),
                content_type_id=content_type.pk,
                object_pk=str(record.pk),
                site_id=settings.SITE_ID,
                user_id=writer.pk,
                user_name=writer.public_name[:50],
                user_email=writer.email,
                comment=self._reply_text(rng, writer is author, parent is not None),
                submit_date=when,
                is_public=True,
                is_removed=False,
                followup=rng.random() < 0.3,
                level=0 if parent is None else parent.level + 1,
            )
            reply.comment_ptr_id = reply.xtdcomment_ptr_id = reply.id
            if parent is None:
                reply.thread_id = reply.parent_id = reply.id
            else:
                reply.thread_id = parent.thread_id
                reply.parent_id = parent.id
                children[parent.id].append(reply)
            if reply.level < MAX_REPLY_LEVEL:
                answerable.append(reply)
            replies.append(reply)
        for reply in replies:
            if reply.level == 0:
                _number_thread(reply, children)
        return replies

    def _reply_text(self, rng, by_author: bool, answering: bool) -> str:
        if by_author and answering:
            text = rng.choice(AUTHOR_ANSWERS)
        elif answering and rng.random() < 0.6:
            text = rng.choice(REPLY_FOLLOW_ONS)
        else:
            text = rng.choice(REPLY_OPENINGS).format(
                frequency=rng.choice(FREQUENCIES),
                outcome=rng.choice(OUTCOMES)[0],
                group=rng.choice(GROUPS)[1],
            )
        return text + rng.choice(REPLY_EXTRAS)

    def _write_replies(self, replies: list) -> None:
        for table in (Comment, XtdComment, Reply):
            insert_as_given(table, replies)

    # Critiques

    def critiques_create(self) -> None:
        rng = self.rng("critiques")
        total = sum(record.critiques for record in self.experiments)
        step = self.progress.step("critiques", total)
        ids = Ids(Critique)
        critiques, scores, points = [], [], []
        for record in self.experiments:
            if not record.critiques:
                continue
            # Distinct reviewers, never the author (who may be drawn, then dropped).
            drawn = rng.sample(range(len(self.users)), record.critiques + 1)
            reviewers = [index for index in drawn if index != record.author]
            for reviewer in reviewers[: record.critiques]:
                critique = self._critique(rng, record, self.users[reviewer], ids)
                critiques.append(critique)
                scores += self._scores(rng, critique)
                points += self._points(rng, critique)
            if len(critiques) >= CHUNK:
                self._write_critiques(critiques, scores, points)
                step.advance(len(critiques))
                critiques, scores, points = [], [], []
        self._write_critiques(critiques, scores, points)
        step.advance(len(critiques))
        self.created["critiques"] = step.done
        step.finish()

    def _critique(self, rng, record, reviewer: UserRecord, ids: Ids) -> Critique:
        state = rng.choices(
            [CritiqueState.SUBMITTED, CritiqueState.DRAFT, CritiqueState.WITHDRAWN],
            [85, 10, 5],
        )[0]
        started = _between(
            rng, record.registered_at + 2 * HOUR, self.now - 2 * HOUR
        ).replace(microsecond=0)
        critique = Critique(
            id=ids.take(),
            experiment_id=record.pk,
            reviewer_id=reviewer.pk,
            rubric_version_id=self.version.pk,
            state=state,
            strengths=rng.choice(STRENGTHS),
            other_explanations=rng.choice(OTHER_EXPLANATIONS)
            if rng.random() < 0.7
            else "",
            suggestions=rng.choice(SUGGESTIONS) if rng.random() < 0.8 else "",
            missed_evidence=rng.choice(MISSED_EVIDENCE) if rng.random() < 0.3 else "",
            certainty=rng.choices(Certainty.values, [10, 35, 40, 15])[0],
            # A concern for moderators opens a report on the site; none are made here.
            recommendation=rng.choices(
                [value for value in Recommendation.values if value != "concern"],
                [40, 30, 20, 10],
            )[0],
            expertise=reviewer.expertise,
            same_team=rng.random() < 0.05,
            conflict_statement=rng.choice(CONFLICTS) if rng.random() < 0.03 else "",
            created_at=started,
            updated_at=started,
        )
        if state == CritiqueState.DRAFT:
            if rng.random() < 0.5:
                critique.strengths = ""
                critique.recommendation = ""
            return critique
        critique.submitted_at = _between(
            rng, started + HOUR, min(started + 3 * DAY, self.now - HOUR)
        ).replace(microsecond=0)
        critique.updated_at = critique.submitted_at
        if state == CritiqueState.WITHDRAWN:
            critique.withdrawn_at = _between(
                rng, critique.submitted_at + HOUR, self.now
            ).replace(microsecond=0)
            critique.withdrawal_reason = rng.choice(CRITIQUE_WITHDRAWAL_REASONS)
            critique.updated_at = critique.withdrawn_at
        return critique

    def _scores(self, rng, critique: Critique) -> list:
        scores = []
        for criterion in self.criteria:
            score, cant_tell = rng.choices([1, 2, 3, 4], [1, 3, 4, 2])[0], False
            roll = rng.random()
            if roll < 0.07:
                score, cant_tell = None, True
            elif (criterion.optional and roll < 0.3) or (
                critique.state == CritiqueState.DRAFT and roll < 0.4
            ):
                score = None
            scores.append(
                CriterionScore(
                    critique_id=critique.pk,
                    criterion_id=criterion.pk,
                    score=score,
                    cant_tell=cant_tell,
                    comment=rng.choice(SCORE_COMMENTS) if rng.random() < 0.2 else "",
                )
            )
        return scores

    def _points(self, rng, critique: Critique) -> list:
        points = []
        for kind, pool, share in (
            (PointKind.CONCERN, CONCERNS, 0.45),
            (PointKind.QUESTION, QUESTIONS, 0.3),
        ):
            if rng.random() >= share:
                continue
            for position, text in enumerate(rng.sample(pool, rng.randint(1, 2)), 1):
                point = CritiquePoint(
                    critique_id=critique.pk, kind=kind, position=position, text=text
                )
                if critique.state == CritiqueState.SUBMITTED and rng.random() < 0.5:
                    point.status = rng.choice(PointStatus.values)
                    point.reply = rng.choice(POINT_REPLIES)
                    point.responded_at = _between(
                        rng, critique.submitted_at + HOUR, self.now
                    ).replace(microsecond=0)
                    if rng.random() < 0.4:
                        point.acknowledged_at = _between(
                            rng, point.responded_at, self.now
                        ).replace(microsecond=0)
                points.append(point)
        return points

    def _write_critiques(self, critiques, scores, points) -> None:
        insert_as_given(Critique, critiques)
        insert_as_given(CriterionScore, scores)
        insert_as_given(CritiquePoint, points)


class _PlanSource:
    """An unsaved experiment as `plan_as_dict` reads it, its topics given in memory."""

    def __init__(self, experiment: Experiment, topics: list):
        self._experiment = experiment
        self.topics = SimpleNamespace(all=lambda: topics)

    def __getattr__(self, name):
        return getattr(self._experiment, name)


def _number_thread(root: Reply, children: dict) -> None:
    """xtd's `order` (reading position in the thread) and `nested_count` (descendants)."""
    order = 0

    def visit(reply: Reply) -> int:
        nonlocal order
        order += 1
        reply.order = order
        below = 0
        for child in children.get(reply.id, []):
            below += 1 + visit(child)
        reply.nested_count = below
        return below

    visit(root)


@transaction.atomic
def scale_seed(scale: float, *, seed: int = DEFAULT_SEED, progress: Progress) -> dict:
    """Generate one batch at `scale`; returns how many of each were created."""
    return Generator(Counts.for_scale(scale), seed=seed, progress=progress).run()
