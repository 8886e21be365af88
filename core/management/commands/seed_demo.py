import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.demo import DEMO_PASSWORD, demo_usernames, users_seed
from core.scale import (
    DEFAULT_SEED,
    PER_UNIT,
    USERNAME_PREFIX,
    Counts,
    Progress,
    ScaleDataPresent,
    scale_seed,
)
from critique.demo import critiques_seed
from evidence.demo import evidence_seed
from forum.demo import experiments_seed, replies_seed
from moderation.services import premoderation_paused
from search.sync import index_updates_paused


def _scale(value: str) -> float:
    try:
        scale = float(value)
    except ValueError:
        raise CommandError(f"--scale must be a number, not {value!r}.") from None
    if not scale > 0:
        raise CommandError("--scale must be more than 0 (for example 0.1, 1 or 100).")
    return scale


class Command(BaseCommand):
    help = (
        "Load the clearly fictional demo content (users for every role, DEMO evidence, "
        "practice experiments in every state, their discussions and critiques). "
        "Safe to run again: what already exists is left as it is. "
        "With --scale N it loads generated volume instead, for load and performance "
        "work: per unit of N, "
        + ", ".join(f"{count:,} {label}" for label, count in PER_UNIT.items())
        + " (N=100 is 20,000 experiments and 200,000 replies; fractions such as 0.1 "
        f"are allowed). Generated users are {USERNAME_PREFIX}00001 and so on, with "
        "the demo password. A second --scale run on the same database is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=_scale,
            metavar="N",
            help="Generate N units of volume (see above) instead of the written demo.",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"Random seed for --scale (default {DEFAULT_SEED}); the same seed "
            "gives the same content.",
        )
        parser.add_argument(
            "--no-progress",
            action="store_true",
            help="With --scale, print one line per step and no progress counter.",
        )

    def handle(self, *args, **options):
        if not settings.DEMO_CONTENT_ALLOWED:
            raise CommandError(
                "Demo content is switched off in these settings (it creates accounts with a "
                "known password). Use the development settings to load it."
            )
        if options["scale"] is not None:
            self.handle_scale(options)
            return
        steps = [
            ("users", users_seed),
            ("evidence pages", evidence_seed),
            ("experiments", experiments_seed),
            ("replies", replies_seed),
            ("critiques", critiques_seed),
        ]
        # One transaction: all of the demo or none of it (and far fewer SQLite syncs).
        # The search index is rebuilt once afterwards rather than per object. Demo
        # posts are published at once, not held for a moderator as new members' are.
        total = 0
        with index_updates_paused(), premoderation_paused(), transaction.atomic():
            for label, seed in steps:
                created = seed()
                total += len(created)
                self.stdout.write(f"  {label}: {len(created)} created")
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
        if total:
            self.stdout.write("Run `manage.py update_index` to make it searchable.")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, description in demo_usernames():
            self.stdout.write(f"  {username:<14} {description}")

    def handle_scale(self, options):
        scale = options["scale"]
        counts = Counts.for_scale(scale)
        self.stdout.write(
            f"Generating scale {scale:g} (seed {options['seed']}): "
            f"{counts.users:,} users, {counts.evidence_pages:,} evidence pages, "
            f"{counts.experiments:,} experiments, {counts.replies:,} replies, "
            f"{counts.critiques:,} critiques."
        )
        progress = Progress(self.stdout, live=not options["no_progress"])
        started = time.monotonic()
        # As above: one transaction, the index rebuilt once afterwards. The rows are
        # written without save(), so no signals, e-mails or notifications either.
        try:
            with index_updates_paused(), premoderation_paused():
                scale_seed(scale, seed=options["seed"], progress=progress)
        except ScaleDataPresent as error:
            raise CommandError(str(error)) from None
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Scale data is ready ({elapsed:.1f} s)."))
        self.stdout.write("Run `manage.py update_index` to make it searchable.")
        self.stdout.write(
            f"Generated logins: {USERNAME_PREFIX}00001 and on, password {DEMO_PASSWORD}."
        )
