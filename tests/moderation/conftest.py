import pytest

from django.core.cache import cache

from forum.reply_forms import ReplyForm
from tests.accounts.factories import PASSWORD, UserFactory
from tests.critique.factories import submitted_critique
from tests.forum.factories import registered
from tests.moderation.helpers import add_reply


@pytest.fixture(autouse=True)
def empty_cache():
    """Report rate limits count in the cache; no test inherits another's count."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run on-commit work (search index updates, e-mail) as a real request would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def sign_in(client):
    """Sign the test client in as `user` and return it."""

    def login(user):
        client.logout()
        assert client.login(username=user.username, password=PASSWORD)
        return client

    return login


@pytest.fixture
def experiment(practitioner):
    """A registered experiment by `practitioner` (sam)."""
    return registered(author=practitioner, title="Agreeing the purpose of visits")


@pytest.fixture
def reply(experiment, other_practitioner):
    """A public reply by `other_practitioner` (alex) under `experiment`."""
    return add_reply(
        experiment, "Did you count the cancelled visits?", other_practitioner
    )


@pytest.fixture
def critique(experiment):
    """A submitted critique of `experiment` by a third person."""
    return submitted_critique(experiment, UserFactory(username="critic"))


@pytest.fixture
def reporters(db):
    """Five signed-up practitioners who may report things."""
    return [
        UserFactory(username=f"reporter{n}", roles=["practitioner"]) for n in range(5)
    ]


@pytest.fixture
def admin(db):
    """A superuser (administrator)."""
    return UserFactory(username="admin", is_superuser=True, is_staff=True)


@pytest.fixture
def post_reply(django_capture_on_commit_callbacks):
    """Post a reply through the comments form, as the reply box does."""

    def post(client, experiment, text="A thought"):
        data = ReplyForm(experiment).initial.copy()
        data.update(
            comment=text,
            reply_to=0,
            next=experiment.get_absolute_url(),
            identifiability_attested="on",
        )
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/comments/post/", data)

    return post
