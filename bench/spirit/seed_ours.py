"""Fill our benchmark database: one registered experiment with the bench's replies.

Run with the project's virtualenv from the project root, with
DJANGO_SETTINGS_MODULE=bench.spirit.our_settings, after migrate (compare.py does).
The replies are all top-level, so the first page shows 20 of them, as Spirit's first
page shows 20 comments. Prints one line of JSON: the experiment's URL, its size and
query count for an anonymous reader.
"""

import datetime
import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.spirit.our_settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.spirit.querylog import QueryLog  # noqa: E402
from bench.spirit.texts import reply_texts  # noqa: E402
from forum.models import Experiment, Reply  # noqa: E402
from moderation.services import premoderation_paused  # noqa: E402
from tests.accounts.factories import UserFactory  # noqa: E402
from tests.forum.factories import registered  # noqa: E402

TITLE = "Agreeing the purpose of family time before each session"


def seed(count: int) -> Experiment:
    with premoderation_paused():
        experiment = registered(title=TITLE)
    people = [UserFactory(roles=["practitioner"]) for _ in range(4)]
    start = timezone.now() - datetime.timedelta(days=30)
    for number, text in enumerate(reply_texts(count)):
        person = people[number % len(people)]
        # save(), not bulk_create(): xtd numbers the thread in save().
        Reply(
            content_object=experiment,
            site_id=settings.SITE_ID,
            user=person,
            user_name=person.public_name,
            user_email=person.email,
            comment=text,
            submit_date=start + datetime.timedelta(minutes=number),
        ).save()
    Experiment.objects.filter(pk=experiment.pk).update(reply_count=count)
    experiment.refresh_from_db()
    return experiment


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    experiment = seed(count)
    url = experiment.get_absolute_url()
    client = Client()
    client.get(url)
    queries = QueryLog()
    with connection.execute_wrapper(queries):
        response = client.get(url)
    body = response.content.decode()
    print(
        json.dumps(
            {
                "url": url,
                "status": response.status_code,
                "bytes": len(response.content),
                "queries": len(queries),
                "replies": Reply.objects.filter(object_pk=str(experiment.pk)).count(),
                "shown_on_first_page": body.count('<article class="reply '),
            }
        )
    )


if __name__ == "__main__":
    main()
