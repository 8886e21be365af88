"""The CPD learning record: what is in it, the CSV download and bad input."""

import csv
import datetime
import io

import pytest

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from critique import cpd, services
from critique.choices import PointKind, PointStatus
from critique.cpd_views import csv_cell, years_before
from critique.models import Critique, CritiquePoint
from forum import services as forum_services
from forum.models import Experiment
from tests.accounts.factories import PASSWORD, UserFactory
from tests.critique.factories import draft_critique, submitted_critique
from tests.forum.factories import ExperimentFactory, concluded, registered

pytestmark = pytest.mark.django_db

URL = reverse("critique:learning_record")
START = datetime.date(2026, 1, 1)
END = datetime.date(2026, 6, 30)
PERIOD = {"start": "2026-01-01", "end": "2026-06-30"}
HEADER = [
    "Date",
    "Type",
    "Title",
    "Link",
    "What I did",
    "What I learned",
    "How it changed my practice",
]


def at(year: int, month: int, day: int) -> datetime.datetime:
    """Noon on that day, UK time."""
    return timezone.make_aware(datetime.datetime(year, month, day, 12))


def dated(obj, **moments) -> None:
    """Move the timestamps of an experiment or critique to the given moments."""
    type(obj).objects.filter(pk=obj.pk).update(**moments)
    obj.refresh_from_db()


def answer(critique: Critique, statuses: list[str], prefix: str = "Reply") -> None:
    """The experiment's author answers the critique's points in order."""
    points = list(critique.points.order_by("kind", "position"))
    services.critique_respond(
        critique=critique,
        by=critique.experiment.author,
        answers={
            point.pk: (status, f"{prefix} {number}")
            for number, (point, status) in enumerate(
                zip(points, statuses, strict=False), start=1
            )
        },
    )


def signed_in(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def page_text(response) -> str:
    return " ".join(strip_tags(response.content.decode()).split())


def csv_rows(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


@pytest.fixture
def own_experiment(practitioner):
    """The practitioner's experiment, registered in February and concluded in March."""
    experiment = concluded(author=practitioner, title="Purpose of family time")
    dated(experiment, registered_at=at(2026, 2, 2), concluded_at=at(2026, 3, 3))
    return experiment


@pytest.fixture
def critique_given(practitioner, other_practitioner):
    """The practitioner's critique of a colleague's experiment; one point addressed, one disputed."""
    experiment = registered(author=other_practitioner, title="Life story work early")
    critique = submitted_critique(experiment, practitioner)
    answer(critique, [PointStatus.ADDRESSED, PointStatus.DISAGREE], "Author reply")
    dated(critique, submitted_at=at(2026, 4, 4))
    return critique


@pytest.fixture
def critique_received(own_experiment, other_practitioner):
    """A colleague's critique of the practitioner's experiment, which they answered."""
    critique = submitted_critique(own_experiment, other_practitioner)
    answer(critique, [PointStatus.NOT_ADDRESSED], "My own reply")
    dated(critique, submitted_at=at(2026, 5, 5))
    return critique


def test_anonymous_visitor_is_asked_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_only_get_is_allowed(client, practitioner):
    assert signed_in(client, practitioner).post(URL, PERIOD).status_code == 405


def test_record_has_own_experiment_and_critiques_given_and_received(
    client, practitioner, own_experiment, critique_given, critique_received
):
    response = signed_in(client, practitioner).get(URL, PERIOD)
    assert response.status_code == 200
    text = page_text(response)
    html = response.content.decode()

    assert "Your learning record" in text
    assert "3 items" in text
    # The experiment: what was done, the reflection and the decision.
    assert "Experiment concluded, 3 March 2026" in text
    assert "Held the conversation before most sessions." in text
    assert "Cancellations were mostly about transport, not purpose." in text
    assert "Decision: Adapt." in text
    assert "Test help with transport." in text
    assert f'href="{own_experiment.get_absolute_url()}"' in html
    # The critique given, with the author's answers to its points.
    assert "Critique given, 4 April 2026" in text
    assert "Life story work early" in text
    assert "1 of 2 points addressed; the author disagreed with 1." in text
    assert "Author reply 1" in text
    assert "Author reply 2" in text
    assert f'href="{critique_given.get_absolute_url()}"' in html
    # The critique received, with the practitioner's own answer.
    assert "Critique received, 5 May 2026" in text
    assert "Compare with the same weeks last year." in text
    assert "Main concern 1, my answer: “Not addressed”. My own reply 1" in text
    assert f'href="{critique_received.get_absolute_url()}"' in html
    # In date order.
    assert text.index("3 March 2026") < text.index("4 April 2026")
    assert text.index("4 April 2026") < text.index("5 May 2026")


def test_record_leaves_out_other_peoples_items_and_other_periods(
    client, practitioner, other_practitioner, own_experiment
):
    someone = UserFactory(roles=["practitioner"])
    their_experiment = registered(author=other_practitioner, title="Not mine at all")
    dated(their_experiment, registered_at=at(2026, 2, 10))
    ExperimentFactory(author=other_practitioner, title="Their private draft")
    ExperimentFactory(author=practitioner, title="My own unregistered draft")
    earlier = registered(author=practitioner, title="Registered years ago")
    dated(earlier, registered_at=at(2024, 2, 10))
    strangers = submitted_critique(their_experiment, someone, strengths="Strangers")
    dated(strangers, submitted_at=at(2026, 3, 1))
    draft_critique(own_experiment, other_practitioner, strengths="Unfinished draft")
    old = submitted_critique(
        registered(author=someone, title="Critiqued long ago"), practitioner
    )
    dated(old, submitted_at=at(2025, 12, 31))

    text = page_text(signed_in(client, practitioner).get(URL, PERIOD))

    assert "Purpose of family time" in text
    for absent in (
        "Not mine at all",
        "Their private draft",
        "My own unregistered draft",
        "Registered years ago",
        "Strangers",
        "Unfinished draft",
        "Critiqued long ago",
        "Critique received",
    ):
        assert absent not in text


def test_the_period_includes_both_its_first_and_last_day(practitioner):
    first = registered(author=practitioner, title="First day")
    dated(first, registered_at=timezone.make_aware(datetime.datetime(2026, 1, 1, 0, 5)))
    last = registered(author=practitioner, title="Last day")
    dated(
        last, registered_at=timezone.make_aware(datetime.datetime(2026, 6, 30, 23, 55))
    )
    after = registered(author=practitioner, title="Day after")
    dated(after, registered_at=timezone.make_aware(datetime.datetime(2026, 7, 1, 0, 5)))

    rows = cpd.learning_record(user=practitioner, start=START, end=END)

    assert [row.title for row in rows] == ["First day", "Last day"]
    assert [row.date for row in rows] == [START, END]


def test_withdrawn_critique_given_shows_only_its_reason(
    client, practitioner, critique_given
):
    services.critique_withdraw(
        critique=critique_given, by=practitioner, reason="I misread the baseline."
    )
    dated(critique_given, withdrawn_at=at(2026, 4, 20))

    text = page_text(signed_in(client, practitioner).get(URL, PERIOD))

    assert "Critique given (withdrawn), 20 April 2026" in text
    assert "I misread the baseline." in text
    for withheld in (
        "A clear, testable hypothesis",
        "Author reply",
        "Cancellations were counted",
    ):
        assert withheld not in text


def test_withdrawn_critique_received_is_left_out(
    client, practitioner, critique_received
):
    services.critique_withdraw(
        critique=critique_received,
        by=critique_received.reviewer,
        reason="Wrong experiment.",
    )
    text = page_text(signed_in(client, practitioner).get(URL, PERIOD))
    assert "Critique received" not in text
    assert "Wrong experiment." not in text


def test_withdrawn_experiment_shows_only_its_stub(client, practitioner, own_experiment):
    forum_services.experiment_withdraw(
        experiment=own_experiment,
        by=practitioner,
        reason="A family could be identified.",
    )
    dated(own_experiment, withdrawn_at=at(2026, 3, 20))

    text = page_text(signed_in(client, practitioner).get(URL, PERIOD))

    assert "Experiment (withdrawn), 20 March 2026" in text
    assert (
        "I registered a practice experiment on 2 February 2026 and withdrew it on "
        "20 March 2026 because: A family could be identified." in text
    )
    # Like the experiment's own page, the record keeps only the stub.
    assert "Cancellations were mostly about transport" not in text
    assert "Add your reflection: what did you learn?" in text


def test_missing_reflection_gets_a_prompt_on_the_page_and_a_blank_in_the_csv(
    client, practitioner
):
    experiment = registered(author=practitioner, title="Still running")
    dated(experiment, registered_at=at(2026, 2, 2))
    signed_in(client, practitioner)

    text = page_text(client.get(URL, PERIOD))
    assert "Experiment registered, 2 February 2026" in text
    assert "Add your reflection: what did you learn?" in text
    assert "Add how this changed, or will change, your practice." in text

    rows = csv_rows(client.get(URL, {**PERIOD, "format": "csv"}))
    assert rows[1][2] == "Still running"
    assert rows[1][4].startswith("I planned and registered a practice experiment")
    assert rows[1][5:] == ["", ""]


def test_csv_download(
    client, practitioner, own_experiment, critique_given, critique_received
):
    response = signed_in(client, practitioner).get(URL, {**PERIOD, "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="learning-record-2026-01-01-to-2026-06-30.csv"'
    )
    rows = csv_rows(response)
    assert rows[0] == HEADER
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    assert [row[:4] for row in rows[1:]] == [
        [
            "2026-03-03",
            "Experiment concluded",
            "Purpose of family time",
            base + own_experiment.get_absolute_url(),
        ],
        [
            "2026-04-04",
            "Critique given",
            "Life story work early",
            base + critique_given.get_absolute_url(),
        ],
        [
            "2026-05-05",
            "Critique received",
            "Purpose of family time",
            base + critique_received.get_absolute_url(),
        ],
    ]
    assert all(row[3].startswith(("http://", "https://")) for row in rows[1:])
    assert "Cancellations were mostly about transport" in rows[1][5]
    assert "1 of 2 points addressed; the author disagreed with 1." in rows[2][5]
    assert "Add your reflection" not in response.content.decode("utf-8")


def test_csv_cells_that_a_spreadsheet_would_run_are_defused(client, practitioner):
    experiment = concluded(
        author=practitioner,
        title='=HYPERLINK("http://example.invalid","Click")',
    )
    Experiment.objects.filter(pk=experiment.pk).update(
        registered_at=at(2026, 2, 2),
        concluded_at=at(2026, 3, 3),
        reflection="@SUM(1+1)",
        next_step="-2+3",
    )

    rows = csv_rows(
        signed_in(client, practitioner).get(URL, {**PERIOD, "format": "csv"})
    )

    assert rows[1][2] == """'=HYPERLINK("http://example.invalid","Click")"""
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in rows[1])


@pytest.mark.parametrize("start", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"])
def test_csv_cell_prefixes_formula_starts(start):
    assert csv_cell(start) == "'" + start


def test_csv_cell_leaves_ordinary_text_alone():
    assert csv_cell("2026-03-03") == "2026-03-03"
    assert csv_cell("Held a 1-2-1 session") == "Held a 1-2-1 session"


@pytest.mark.parametrize(
    "query, message",
    [
        (
            {"start": "not a date", "end": "2026-06-30"},
            "Enter the first day of the period as a date",
        ),
        (
            {"start": "2026-01-01", "end": "2026-02-30"},
            "Enter the last day of the period as a date",
        ),
        ({"start": "", "end": "2026-06-30"}, "Enter the first day of the period."),
        (
            {"start": "2026-06-30", "end": "2026-01-01"},
            "The end date is before the start date. Choose an end date on or after",
        ),
        (
            {"start": "2020-01-01", "end": "2026-01-02"},
            "The period can be at most 5 years long.",
        ),
        (
            {"start": "0001-01-01", "end": "9999-12-31"},
            "The period can be at most 5 years long.",
        ),
    ],
)
@pytest.mark.parametrize("format", ["", "csv"])
def test_bad_dates_get_a_message_not_a_download_or_an_error(
    client, practitioner, query, message, format
):
    response = signed_in(client, practitioner).get(URL, {**query, "format": format})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert message in page_text(response)
    assert "Download as CSV" not in page_text(response)


def test_extreme_but_short_periods_work(client, practitioner):
    signed_in(client, practitioner)
    for query in (
        {"start": "9999-01-01", "end": "9999-12-31"},
        {"start": "0001-01-01", "end": "0001-12-31"},
    ):
        response = client.get(URL, query)
        assert response.status_code == 200
        assert "Nothing in this period." in page_text(response)


def test_exactly_five_years_is_allowed(client, practitioner):
    response = signed_in(client, practitioner).get(
        URL, {"start": "2021-06-30", "end": "2026-06-30"}
    )
    assert "Nothing in this period." in page_text(response)


def test_unknown_format_shows_the_page_with_a_message(client, practitioner):
    response = signed_in(client, practitioner).get(URL, {**PERIOD, "format": "pdf"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "The record can only be downloaded as a CSV file." in page_text(response)


def test_default_period_is_the_last_twelve_months(client, practitioner):
    today = timezone.localdate()
    recent = registered(author=practitioner, title="Registered today")
    ancient = registered(author=practitioner, title="Registered long ago")
    dated(ancient, registered_at=timezone.now() - datetime.timedelta(days=400))

    response = signed_in(client, practitioner).get(URL)

    html = response.content.decode()
    assert f'value="{today.isoformat()}"' in html
    assert f'value="{years_before(today, 1).isoformat()}"' in html
    assert recent.title in html
    assert ancient.title not in html
    csv_query = f"start={years_before(today, 1).isoformat()}&amp;end={today.isoformat()}&amp;format=csv"
    assert f'href="?{csv_query}"' in html


def test_empty_period_suggests_what_to_do(client, practitioner):
    text = page_text(signed_in(client, practitioner).get(URL, PERIOD))
    assert "Nothing in this period. Try a longer date range" in text


def test_leap_day_a_year_back_is_the_28th():
    assert years_before(datetime.date(2028, 2, 29), 1) == datetime.date(2027, 2, 28)


def test_response_summary_counts_each_kind_of_answer():
    points = [
        CritiquePoint(kind=PointKind.CONCERN, position=1, status=status)
        for status in (
            PointStatus.ADDRESSED,
            PointStatus.ADDRESSED,
            PointStatus.ADDRESSED,
            PointStatus.DISAGREE,
        )
    ]
    assert cpd.response_summary(points) == (
        "3 of 4 points addressed; the author disagreed with 1."
    )
    points[0].status = ""
    points[1].status = PointStatus.NOT_ADDRESSED
    assert cpd.response_summary(points) == (
        "1 of 4 points addressed; the author disagreed with 1; 1 not addressed; "
        "1 not answered yet."
    )


def add_critiques(practitioner, count: int) -> None:
    """`count` critiques given and `count` received, each with answered points."""
    for _number in range(count):
        colleague = UserFactory(roles=["practitioner"])
        given = submitted_critique(registered(author=colleague), practitioner)
        answer(given, [PointStatus.ADDRESSED, PointStatus.DISAGREE])
        received = submitted_critique(registered(author=practitioner), colleague)
        answer(received, [PointStatus.ADDRESSED])


def test_query_count_does_not_grow_with_the_record(
    client, practitioner, django_assert_num_queries
):
    signed_in(client, practitioner)
    add_critiques(practitioner, 1)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        small = client.get(URL)
    add_critiques(practitioner, 4)
    with CaptureQueriesContext(connection) as many:
        large = client.get(URL)

    assert page_text(small).count("Critique given,") == 1
    assert page_text(large).count("Critique given,") == 5
    assert page_text(large).count("Critique received,") == 5
    assert len(many.captured_queries) == len(few.captured_queries)
    today = timezone.localdate()
    with django_assert_num_queries(3):
        rows = cpd.learning_record(
            user=practitioner, start=years_before(today, 1), end=today
        )
    assert len(rows) == 15


def test_experiment_withdrawn_in_the_period_is_listed_even_if_registered_before(
    practitioner,
):
    experiment = registered(author=practitioner, title="Registered last year")
    forum_services.experiment_withdraw(
        experiment=experiment, by=practitioner, reason="Manager asked me to stop."
    )
    dated(experiment, registered_at=at(2025, 6, 1), withdrawn_at=at(2026, 2, 1))

    rows = cpd.learning_record(user=practitioner, start=START, end=END)

    assert [(row.title, row.kind, row.date) for row in rows] == [
        ("Registered last year", "Experiment (withdrawn)", datetime.date(2026, 2, 1))
    ]
