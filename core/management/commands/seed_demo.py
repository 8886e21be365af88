from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.demo import DEMO_PASSWORD, demo_usernames, users_seed
from critique.demo import critiques_seed
from evidence.demo import evidence_seed
from forum.demo import experiments_seed, replies_seed
from moderation.services import premoderation_paused
from search.sync import index_updates_paused


class Command(BaseCommand):
    help = (
        "Load the clearly fictional demo content (users for every role, DEMO evidence, "
        "practice experiments in every state, their discussions and critiques). "
        "Safe to run again: what already exists is left as it is."
    )

    def handle(self, *args, **options):
        if not settings.DEMO_CONTENT_ALLOWED:
            raise CommandError(
                "Demo content is switched off in these settings (it creates accounts with a "
                "known password). Use the development settings to load it."
            )
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
