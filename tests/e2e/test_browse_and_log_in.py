import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from forum.models import Experiment

pytestmark = pytest.mark.browser

SERIOUS = {"serious", "critical"}


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} elements)"
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
    ]


def test_reader_browses_to_evidence_and_logs_in(page, demo_site):
    page.goto(demo_site + "/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Test research ideas in your own practice"
    )
    first_card = page.locator(".card__title a").first
    title = first_card.inner_text()
    assert title.startswith("DEMO ")
    first_card.click()
    page.wait_for_url(re.compile(r"/evidence/demo-[a-z-]+/$"))
    assert page.get_by_role("heading", level=1).inner_text() == title
    assert page.get_by_role(
        "heading", name="What the evidence says, outcome by outcome"
    ).is_visible()
    assert (
        page.locator(".badge--strength")
        .first.inner_text()
        .endswith(("insufficient", "limited", "some", "moderate", "strong"))
    )

    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Username or email address").fill("practitioner")
    page.get_by_label("Password").fill("demo-password")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(demo_site + "/")
    assert page.get_by_role("link", name="Social worker A (DEMO)").is_visible()
    assert page.get_by_role("button", name="Sign out").is_visible()


def test_skip_link_is_the_first_stop_for_keyboard_users(page, demo_site):
    page.goto(demo_site + "/evidence/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"


def test_filters_work_without_javascript(browser, demo_site):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(demo_site + "/evidence/")
    tab.get_by_label("Topic", exact=True).select_option(label="Neglect")
    tab.get_by_role("button", name="Apply filters").click()
    assert "topic=neglect" in tab.url
    assert "match your filters" in tab.locator(".result-count").inner_text()
    context.close()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/evidence/",
        "/evidence/demo-family-time-planner/",
        "/accounts/login/",
        "/accounts/signup/",
        "/experiments/",
        "/search/?q=family+time",
        "/search/?q=famly",
        "concluded experiment",
        "withdrawn experiment",
    ],
)
def test_pages_have_no_serious_accessibility_violations(page, demo_site, path):
    if path.endswith(" experiment"):
        state = path.split()[0]
        experiment = Experiment.objects.filter(state=state).order_by("-reply_count")[0]
        path = experiment.get_absolute_url()
    page.goto(demo_site + path)
    assert serious_violations(page) == []


def test_signed_in_forms_have_no_serious_accessibility_violations(page, demo_site):
    page.goto(demo_site + "/accounts/login/")
    page.get_by_label("Username or email address").fill("practitioner")
    page.get_by_label("Password").fill("demo-password")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(demo_site + "/")
    experiment = Experiment.objects.filter(state="registered").order_by("-reply_count")[
        0
    ]
    for path in (
        "/experiments/new/",
        experiment.get_absolute_url(),
        "/experiments/mine/",
    ):
        page.goto(demo_site + path)
        assert serious_violations(page) == [], path


def test_evidence_page_reads_on_a_phone(browser, demo_site):
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True
    )
    tab = context.new_page()
    tab.goto(demo_site + "/evidence/demo-family-time-planner/")
    overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert serious_violations(tab) == []
    context.close()


def test_search_from_the_home_page(page, demo_site):
    page.goto(demo_site + "/")
    page.get_by_label("Search evidence, experiments and discussions").fill(
        "family time"
    )
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/search/?q=family+time*")
    assert page.locator(".search-result").count() > 0
    assert page.locator(".search-result mark").count() > 0
