"""A practitioner signs up, plans and registers an experiment; colleagues discuss it."""

import datetime
import re

import pytest

from django.core import mail

from forum.models import Experiment, Reply
from safeguarding.forms import ATTESTATION
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser


def sign_up_and_verify(page, base, username):
    page.goto(base + "/accounts/signup/")
    page.get_by_label("Email address").fill(f"{username}@example.invalid")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_label("Display name").fill("Robin (DEMO)")
    page.get_by_label("Practitioner").check()
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/"))
    link = re.search(
        r"http://[^/]+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body
    ).group(1)
    page.goto(base + link)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(base + "/")


def sign_in(page, base, username):
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username or email address").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(base + "/")


def fill_plan(page):
    fill = {
        "Title": "Agreeing the purpose of family time",
        "Aim": "Find out if agreeing the purpose of each session cuts cancellations.",
        "If I…": "agree the purpose of each family time session",
        "with…": "parents of children in care aged 6-11",
        "then…": "the number of cancelled sessions",
        "because…": "everyone knows what the time is for",
        "Outside reference": "DEMO reference: Writer, B. (2025).",
        "What I will try": "A short conversation before each block of sessions.",
        "Dose": "one ten-minute conversation",
        "Frequency": "before each block",
        "Duration": "8 weeks",
        "Outcome measure": "Cancelled sessions as a share of planned ones.",
        "When it is measured": "weekly",
        "Who rates it": "me, from the contact diary",
        "Prediction": "Fewer cancellations than before.",
        "Success threshold": "A quarter fewer cancellations.",
        "Baseline": "About one in three cancelled.",
        "How the child's voice is sought": "Ask each child what they want from the time.",
    }
    for label, value in fill.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("decrease", exact=True).check()
    page.get_by_label("Service stage").select_option(
        label="Children in care and placement stability"
    )
    page.get_by_label("Team type").select_option(label="Children in care")
    page.get_by_label("Age band").select_option(label="6 to 11 years")
    page.get_by_label("Number of families").select_option(label="2 to 5 families")
    page.get_by_label("Region").select_option(label="England - North West")
    page.get_by_label("Before and after", exact=True).check()
    for label in (
        "My manager knows about this test",
        "It stays within my statutory duties",
        "No person can be identified from this plan",
    ):
        page.get_by_label(label).check()
    end = datetime.date.today() + datetime.timedelta(days=60)
    page.get_by_label("Planned end date").fill(end.isoformat())


def test_plan_register_discuss_and_notify(browser, demo_site):
    author_tab = browser.new_context().new_page()
    sign_up_and_verify(author_tab, demo_site, "robin")

    author_tab.get_by_role("link", name="Experiments", exact=True).click()
    author_tab.get_by_role("link", name="Plan an experiment").click()
    fill_plan(author_tab)
    author_tab.get_by_role("button", name="Save and review for registration").click()
    author_tab.get_by_label(ATTESTATION).check()
    author_tab.get_by_role("button", name="Register plan").click()
    assert author_tab.get_by_text("Plan registered").first.is_visible()
    experiment = Experiment.objects.get(title="Agreeing the purpose of family time")
    assert experiment.state == "registered"
    assert author_tab.get_by_text(experiment.plan_sha256).is_visible()

    UserFactory(username="colleague", display_name="Colleague (DEMO)")
    colleague_tab = browser.new_context().new_page()
    sign_in(colleague_tab, demo_site, "colleague")
    colleague_tab.goto(demo_site + experiment.get_absolute_url())
    mail.outbox.clear()
    colleague_tab.get_by_label("Your reply", exact=True).fill(
        "How will you **count** cancellations?"
    )
    reply_box = colleague_tab.locator("form.reply-form").last
    reply_box.get_by_label(ATTESTATION).check()
    reply_box.get_by_role("button", name="Post reply").click()
    assert colleague_tab.locator(".reply__body strong").first.inner_text() == "count"

    # The author hears about it by e-mail.
    assert [message.to for message in mail.outbox] == [["robin@example.invalid"]]
    assert "How will you **count** cancellations?" in mail.outbox[0].body

    # The author replies to the reply from the page.
    author_tab.goto(demo_site + experiment.get_absolute_url())
    author_tab.get_by_text("Reply to Colleague (DEMO)", exact=True).click()
    author_tab.get_by_label("Your reply to Colleague (DEMO)").fill(
        "From the contact diary, weekly."
    )
    answer_box = author_tab.locator(
        "form.reply-form",
        has=author_tab.get_by_label("Your reply to Colleague (DEMO)"),
    )
    answer_box.get_by_label(ATTESTATION).check()
    answer_box.get_by_role("button", name="Post reply").click()
    answer = Reply.objects.get(comment="From the contact diary, weekly.")
    assert answer.level == 1
    assert author_tab.locator(f"#c{answer.pk}.reply--level-1").is_visible()


def test_typed_plan_survives_leaving_the_page(page, demo_site):
    UserFactory(username="keeper")
    sign_in(page, demo_site, "keeper")
    page.goto(demo_site + "/experiments/new/")
    page.get_by_label("Title", exact=True).fill("Plan I must not lose")
    page.get_by_label("Aim", exact=True).fill("Typed and then the tab was closed.")
    page.get_by_text("Draft saved at").wait_for(timeout=10_000)
    draft = Experiment.objects.get(title="Plan I must not lose")
    page.goto(demo_site + "/")
    page.goto(demo_site + f"/experiments/{draft.pk}/edit/")
    assert (
        page.get_by_label("Aim", exact=True).input_value()
        == "Typed and then the tab was closed."
    )
