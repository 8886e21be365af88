"""Fill the benchmark's Spirit database: one topic with the bench's replies as comments.

Run with bench/.venv-spirit from bench/spirit/ (compare.py does), after migrate. Prints
one line of JSON: the topic's URL, its size and query count for an anonymous reader.
"""

import datetime
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spiritsite.settings")

import django  # noqa: E402

django.setup()

from querylog import QueryLog  # noqa: E402
from spirit.category.models import Category  # noqa: E402
from spirit.comment.models import Comment  # noqa: E402
from spirit.core.utils.markdown import Markdown  # noqa: E402
from spirit.topic.models import Topic  # noqa: E402
from texts import reply_texts  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

User = get_user_model()
TITLE = "Agreeing the purpose of family time before each session"


def seed(count: int) -> Topic:
    people = [
        User.objects.create_user(
            username=f"person{n}", email=f"person{n}@example.invalid", password=None
        )
        for n in range(4)
    ]
    category = Category.objects.filter(is_private=False, parent=None).first()
    start = timezone.now() - datetime.timedelta(days=30)
    topic = Topic.objects.create(
        category=category, user=people[0], title=TITLE, last_active=start
    )
    comments = []
    for number, text in enumerate(reply_texts(count)):
        comments.append(
            Comment(
                topic=topic,
                user=people[number % len(people)],
                comment=text,
                comment_html=Markdown().render(text),
                date=start + datetime.timedelta(minutes=number),
            )
        )
    Comment.objects.bulk_create(comments)
    Topic.objects.filter(pk=topic.pk).update(
        comment_count=count, last_active=comments[-1].date
    )
    topic.refresh_from_db()
    return topic


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    topic = seed(count)
    url = topic.get_absolute_url()
    client = Client()
    client.get(url)
    queries = QueryLog()
    with connection.execute_wrapper(queries):
        response = client.get(url)
    body = response.content.decode()
    shown = body.count('class="comments_list__comment ')
    print(
        json.dumps(
            {
                "url": url,
                "status": response.status_code,
                "bytes": len(response.content),
                "queries": len(queries),
                "replies": Comment.objects.filter(topic=topic).count(),
                "shown_on_first_page": shown,
            }
        )
    )


if __name__ == "__main__":
    main()
