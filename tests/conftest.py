import pytest

from evidence.models import AgeBand, EvidenceIndexPage, HomePage, Topic
from tests.accounts.factories import UserFactory


@pytest.fixture
def home_page(db):
    """The site's home page, created by the post-migrate setup."""
    return HomePage.objects.get()


@pytest.fixture
def evidence_index(db):
    """The evidence index at /evidence/."""
    return EvidenceIndexPage.objects.get()


@pytest.fixture
def topic(db):
    """The "Neglect" topic from the seeded vocabulary."""
    return Topic.objects.get(slug="neglect")


@pytest.fixture
def other_topic(db):
    """The "Domestic abuse" topic from the seeded vocabulary."""
    return Topic.objects.get(slug="domestic-abuse")


@pytest.fixture
def age_band(db):
    """The 6 to 11 age band."""
    return AgeBand.objects.get(code="6-11")


@pytest.fixture
def practitioner(db):
    """A signed-up practitioner with a verified e-mail address."""
    return UserFactory(username="sam", roles=["practitioner"])


@pytest.fixture
def editor(db):
    """A member of the Editor group."""
    return UserFactory(username="eddie", roles=["editor"])


@pytest.fixture
def moderator(db):
    """A member of the Moderator group."""
    return UserFactory(username="mod", roles=["moderator"])


@pytest.fixture
def other_practitioner(db):
    """A second practitioner, not the author of anything yet."""
    return UserFactory(username="alex", roles=["practitioner"])


@pytest.fixture
def search_index(db):
    """Empty search indexes, built afresh so no earlier test's entries linger."""
    from modelsearch.backends import get_search_backends

    for backend in get_search_backends():
        backend.reset_indexes()


@pytest.fixture(autouse=True)
def _forget_translated_subqueries():
    """Search keeps filters' subqueries per content generation, in this process;
    a test's rows are rolled back without a new generation."""
    from search.backends.whoosh.subqueries import clear_shared

    clear_shared()
