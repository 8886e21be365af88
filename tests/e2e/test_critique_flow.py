"""An author asks a colleague for a critique; the colleague writes it, the author
answers point by point and the colleague acknowledges the answers. Each of them
finds their way by the notifications in the header."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from django.core import mail

from critique.models import Critique
from critique.rubric import current_version
from tests.accounts.factories import PASSWORD, UserFactory
from tests.forum.factories import registered

pytestmark = pytest.mark.browser

SERIOUS = {"serious", "critical"}
TITLE = "Weekly check-ins with foster carers"
AUTHOR = "Jordan (DEMO)"
COLLEAGUE = "Priya (DEMO)"
CONCERNS = (
    "Only one person counted the placement moves.",
    "Eight weeks is short for a change in placement stability.",
)
QUESTION = "How were check-ins that carers cancelled counted?"


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} elements)"
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
    ]


def sign_in(page, base, username):
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username or email address").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(base + "/")


def new_tab(browser):
    """A tab with its own cookies, set up as the `page` fixture sets one up."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB"
    )
    context.set_default_timeout(15_000)
    return context.new_page()


def starts(text: str) -> re.Pattern:
    """A label or name that begins with `text` (form labels may end in a colon)."""
    return re.compile("^" + re.escape(text))


def follow_notification(tab, sentence: str):
    """From any page: the header shows one unread notification; open it."""
    tab.get_by_role("link", name="Notifications 1 unread").click()
    tab.get_by_role("heading", level=1, name="Notifications").wait_for()
    assert serious_violations(tab) == []
    tab.get_by_role("link", name=sentence, exact=True).click()
    tab.wait_for_url(re.compile(r"/experiments/\d+/"))
    # Opening it counts as reading it.
    assert tab.get_by_role("link", name="Notifications", exact=True).is_visible()


def notification_sentences(tab, base) -> list[str]:
    tab.goto(base + "/notifications/")
    links = tab.locator(".notification-list").get_by_role("link")
    return [" ".join(text.split()) for text in links.all_inner_texts()]


def test_ask_critique_answer_and_acknowledge(page, browser, demo_site):
    author = UserFactory(username="jordan", display_name=AUTHOR, roles=["practitioner"])
    UserFactory(username="priya", display_name=COLLEAGUE, roles=["practitioner"])
    experiment = registered(author=author, title=TITLE)
    criteria = list(current_version().criteria.all())
    mail.outbox.clear()

    # The author asks a colleague by user name.
    sign_in(page, demo_site, "jordan")
    page.goto(demo_site + experiment.get_absolute_url())
    page.get_by_role("link", name="Ask colleagues for a critique").click()
    page.get_by_role("heading", level=1, name=starts("Ask colleagues")).wait_for()
    assert serious_violations(page) == []
    page.get_by_label("Who would you like to ask?").fill("priya")
    page.get_by_label("A short message (optional)").fill(
        "Would you look at how I measure placement moves?"
    )
    page.get_by_role("button", name="Ask them").click()
    page.wait_for_url(demo_site + experiment.get_absolute_url())
    assert page.get_by_text(f"Asked {COLLEAGUE}. They have been told.").is_visible()

    # The colleague sees the request in the header and follows it to the experiment.
    colleague = new_tab(browser)
    sign_in(colleague, demo_site, "priya")
    follow_notification(colleague, f"{AUTHOR} asked you to critique “{TITLE}”.")
    assert colleague.get_by_role("heading", level=1).inner_text() == TITLE
    colleague.get_by_role("link", name="Critique this experiment").first.click()
    colleague.get_by_role("heading", level=1, name=f"Critique “{TITLE}”").wait_for()
    assert serious_violations(colleague) == []

    # Every criterion, by keyboard for the first: Space picks, arrows move on.
    first = colleague.get_by_role("group", name=starts(criteria[0].code + " "))
    first.get_by_role("radio", name=starts("1:")).focus()
    colleague.keyboard.press("Space")
    colleague.keyboard.press("ArrowDown")
    colleague.keyboard.press("ArrowDown")
    assert first.get_by_role("radio", name=starts("3:")).is_checked()
    for criterion in criteria[1:-1]:
        group = colleague.get_by_role("group", name=starts(criterion.code + " "))
        group.get_by_role("radio", name=starts("3:")).check()
    last = criteria[-1]
    colleague.get_by_role("group", name=starts(last.code + " ")).get_by_role(
        "radio", name="Can't tell"
    ).check()
    colleague.get_by_label(starts("Strengths")).fill(
        "A clear hypothesis, with the baseline recorded before starting."
    )
    colleague.get_by_label(starts("Main concerns")).fill("\n\n".join(CONCERNS))
    colleague.get_by_label(starts("Questions for the author")).fill(QUESTION)
    colleague.get_by_role("group", name=starts("Overall, how certain")).get_by_role(
        "radio", name="Low", exact=True
    ).check()
    colleague.get_by_role("group", name=starts("Recommendation")).get_by_role(
        "radio", name="Adapt and re-test"
    ).check()
    colleague.get_by_role("group", name=starts("The expertise I bring")).get_by_role(
        "radio", name="Practitioner", exact=True
    ).check()
    colleague.get_by_label(starts("No child, family member or colleague")).check()
    colleague.get_by_role("button", name="Submit critique").click()
    colleague.wait_for_url(re.compile(r"#critique-\d+$"))
    assert colleague.get_by_text(
        "Your critique is published. The author has been told."
    ).is_visible()

    # The critique shows, each concern a point of its own, with the score profile.
    critique = Critique.objects.get(experiment=experiment)
    assert critique.state == "submitted"
    shown = colleague.get_by_role("article", name=f"Critique by {COLLEAGUE}")
    for text in (*CONCERNS, QUESTION):
        assert shown.get_by_role("listitem").filter(has_text=text).is_visible()
    assert shown.get_by_text("Not answered yet.").count() == 3
    chart = colleague.get_by_role("img", name=starts("How critics scored each"))
    assert chart.is_visible()
    colleague.get_by_text("Show the scores as a table").focus()
    colleague.keyboard.press("Enter")
    table = colleague.get_by_role(
        "table", name="Number of critics giving each level, per criterion"
    )
    assert table.is_visible()
    # Columns: 1 (weakest), 2, 3, 4 (strongest), Can't tell.
    first_row = table.get_by_role("row", name=starts(criteria[0].code + " "))
    assert first_row.get_by_role("cell").all_inner_texts() == ["0", "0", "1", "0", "0"]
    last_row = table.get_by_role("row", name=starts(last.code + " "))
    assert last_row.get_by_role("cell").all_inner_texts() == ["0", "0", "0", "0", "1"]
    assert serious_violations(colleague) == []

    # The author hears of it and answers point by point.
    page.goto(demo_site + "/")
    follow_notification(page, f"{COLLEAGUE} critiqued your experiment “{TITLE}”.")
    page.get_by_role("link", name="Answer point by point").click()
    page.get_by_role(
        "heading", level=1, name=f"Answer {COLLEAGUE}'s critique"
    ).wait_for()
    assert serious_violations(page) == []
    answers = {
        "Main concern 1": ("Addressed", "A second worker now checks the count."),
        "Main concern 2": ("Disagree", "Most moves happen in the first weeks."),
        "Question 1": ("Addressed", "They count as check-ins that did not happen."),
    }
    for point, (status, reply) in answers.items():
        section = page.get_by_role("region", name=point, exact=True)
        section.get_by_role("radio", name=status, exact=True).check()
        section.get_by_label(starts("Your reply")).fill(reply)
    page.get_by_label(starts("No child, family member or colleague")).check()
    page.get_by_role("button", name="Save your answers").click()
    page.wait_for_url(re.compile(r"#critique-\d+$"))
    assert page.get_by_text(
        "Your answers are saved and the reviewer has been told."
    ).is_visible()
    answered = page.get_by_role("article", name=f"Critique by {COLLEAGUE}")
    for _status, reply in answers.values():
        assert answered.get_by_text(reply).is_visible()
    assert answered.get_by_text("Author: addressed").count() == 2
    assert answered.get_by_text("Author: disagree").count() == 1
    assert page.get_by_role("link", name="Change your answers").is_visible()

    # The colleague hears of the answers and acknowledges them.
    colleague.goto(demo_site + "/")
    follow_notification(colleague, f"{AUTHOR} answered your critique of “{TITLE}”.")
    colleague.get_by_role("button", name="Acknowledge the author's answers").click()
    # The page comes back at the same address, so wait for the message itself.
    colleague.get_by_text("Thank you. The author has been told.").wait_for()
    acknowledged = colleague.get_by_role("article", name=f"Critique by {COLLEAGUE}")
    assert acknowledged.get_by_text("Acknowledged by the reviewer").count() == 3
    assert not colleague.get_by_role(
        "button", name="Acknowledge the author's answers"
    ).is_visible()

    # Each notification list tells the story from its owner's side, newest first.
    page.goto(demo_site + "/")
    assert page.get_by_role("link", name="Notifications 1 unread").is_visible()
    assert notification_sentences(page, demo_site) == [
        f"{COLLEAGUE} acknowledged your answers to their critique of “{TITLE}”.",
        f"{COLLEAGUE} critiqued your experiment “{TITLE}”.",
    ]
    assert notification_sentences(colleague, demo_site) == [
        f"{AUTHOR} answered your critique of “{TITLE}”.",
        f"{AUTHOR} asked you to critique “{TITLE}”.",
    ]

    # And each step came by e-mail too (the live server runs in this process).
    assert [(message.to, message.subject) for message in mail.outbox] == [
        (["priya@example.invalid"], f"Would you critique “{TITLE}”?"),
        (["jordan@example.invalid"], f"New critique of “{TITLE}”"),
        (["priya@example.invalid"], f"The author answered your critique of “{TITLE}”"),
        (
            ["jordan@example.invalid"],
            f"A reviewer acknowledged your answers on “{TITLE}”",
        ),
    ]
    colleague.context.close()
