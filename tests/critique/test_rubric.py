"""The critique rubric: installed on a new site, edited by editors, frozen per version.

A critique keeps the wording it was written against; rewording the rubric only
changes what new critiques see.
"""

import pytest

from django.contrib.auth.models import Group
from django.urls import reverse

from wagtail.test.utils.form_data import inline_formset, nested_form_data

from accounts.roles import Role, group_name
from critique import services
from critique.choices import CritiqueState
from critique.models import Rubric, RubricVersion
from critique.rubric import (
    content_sha256,
    current_version,
    rubric_content,
    rubric_ensure_default,
    rubric_version_publish,
)
from critique.rubric_default import DEFAULT_CRITERIA, DEFAULT_RUBRIC_TITLE
from tests.accounts.factories import PASSWORD
from tests.critique.factories import all_scores, draft_critique
from tests.forum.factories import registered

pytestmark = pytest.mark.django_db

CODES = [f"C{number}" for number in range(1, 10)]
NEW_C3 = "Could we tell what would have happened anyway?"


def titles(version: RubricVersion) -> dict[str, str]:
    return dict(version.criteria.values_list("code", "title"))


def edit_url(rubric: Rubric) -> str:
    return reverse("wagtailsnippets_critique_rubric:edit", args=[rubric.pk])


def rubric_form(rubric: Rubric, changes: dict[str, dict] | None = None) -> dict:
    """The admin edit form as an editor would send it, with `changes` by criterion code."""
    changes = changes or {}
    rows = []
    for order, criterion in enumerate(rubric.criteria.order_by("sort_order"), 1):
        row = {
            "id": str(criterion.pk),
            "ORDER": str(order),
            "code": criterion.code,
            "title": criterion.title,
            "guidance": criterion.guidance,
            "level_1": criterion.level_1,
            "level_2": criterion.level_2,
            "level_3": criterion.level_3,
            "level_4": criterion.level_4,
        }
        if criterion.optional:
            row["optional"] = "on"
        row.update(changes.get(criterion.code, {}))
        rows.append(row)
    return nested_form_data(
        {
            "title": rubric.title,
            "introduction": rubric.introduction,
            "criteria": inline_formset(rows, initial=len(rows), min=1),
        }
    )


def reword_c3(rubric: Rubric, by=None) -> None:
    """Change C3's title in a revision and publish it, as Wagtail does."""
    criteria = list(rubric.criteria.order_by("sort_order"))
    criteria[2].title = NEW_C3
    rubric.criteria = criteria
    rubric.save_revision(user=by).publish(user=by)


@pytest.fixture
def rubric() -> Rubric:
    return Rubric.objects.get()


@pytest.fixture
def editor_client(client, editor):
    assert client.login(username=editor.username, password=PASSWORD)
    return client


# --- The default rubric -----------------------------------------------------------


def test_new_site_has_version_1_with_criteria_c1_to_c9(rubric):
    version = RubricVersion.objects.get()
    assert version == current_version()
    assert (version.number, version.title) == (1, DEFAULT_RUBRIC_TITLE)
    assert rubric.live
    criteria = list(version.criteria.all())
    assert [criterion.code for criterion in criteria] == CODES
    assert [criterion.position for criterion in criteria] == list(range(1, 10))
    assert [criterion.optional for criterion in criteria] == [False] * 8 + [True]
    for criterion, default in zip(criteria, DEFAULT_CRITERIA, strict=True):
        assert criterion.title == default["title"]
        assert [text for _level, text in criterion.levels] == default["levels"]
    assert version.content_sha256 == content_sha256(rubric_content(rubric))


def test_installing_the_default_again_changes_nothing():
    assert rubric_ensure_default() == current_version()
    assert Rubric.objects.count() == 1
    assert RubricVersion.objects.count() == 1


def test_editors_may_change_and_publish_the_rubric():
    editors = Group.objects.get(name=group_name(Role.EDITOR))
    assert {
        "add_rubric",
        "change_rubric",
        "publish_rubric",
    } <= set(editors.permissions.values_list("codename", flat=True))


# --- Publishing -------------------------------------------------------------------


def test_publishing_without_a_change_makes_no_version(rubric):
    assert rubric_version_publish(rubric=rubric) is None
    rubric.save_revision().publish()
    assert RubricVersion.objects.count() == 1


def test_rewording_a_criterion_and_publishing_makes_version_2(rubric, editor):
    reword_c3(rubric, by=editor)
    version = current_version()
    assert version.number == 2
    assert version.published_by == editor
    assert titles(version)["C3"] == NEW_C3
    old = titles(RubricVersion.objects.get(number=1))
    assert old["C3"] == DEFAULT_CRITERIA[2]["title"]
    assert {code: title for code, title in titles(version).items() if code != "C3"} == {
        code: title for code, title in old.items() if code != "C3"
    }
    # The same wording published again is not a third version.
    Rubric.objects.get().save_revision().publish()
    assert RubricVersion.objects.count() == 2


def test_a_saved_draft_of_the_rubric_changes_nothing_reviewers_see(rubric):
    criteria = list(rubric.criteria.order_by("sort_order"))
    criteria[2].title = NEW_C3
    rubric.criteria = criteria
    rubric.save_revision()
    assert RubricVersion.objects.count() == 1
    assert titles(current_version())["C3"] == DEFAULT_CRITERIA[2]["title"]


def test_reordering_the_criteria_is_a_new_version(rubric):
    criteria = list(rubric.criteria.order_by("sort_order"))
    criteria[0], criteria[1] = criteria[1], criteria[0]
    for order, criterion in enumerate(criteria):
        criterion.sort_order = order
    rubric.criteria = criteria
    rubric.save_revision().publish()
    version = current_version()
    assert version.number == 2
    assert [c.code for c in version.criteria.all()][:3] == ["C2", "C1", "C3"]


def test_old_critiques_keep_their_wording_and_new_ones_use_the_new(
    rubric, other_practitioner, practitioner
):
    experiment = registered()
    old = draft_critique(experiment, other_practitioner)
    reword_c3(rubric)
    old.refresh_from_db()
    assert old.rubric_version.number == 1
    assert titles(old.rubric_version)["C3"] == DEFAULT_CRITERIA[2]["title"]
    # The old draft is still finished on its own version.
    services.critique_submit(critique=old, by=other_practitioner)
    old.refresh_from_db()
    assert old.state == CritiqueState.SUBMITTED
    assert {score.criterion.version.number for score in old.scores.all()} == {1}

    new = services.critique_start(experiment=experiment, by=practitioner)
    assert new.rubric_version.number == 2
    assert titles(new.rubric_version)["C3"] == NEW_C3
    services.critique_save(
        critique=new,
        by=practitioner,
        data={},
        scores=all_scores(2, version=new.rubric_version),
        concerns=[],
        questions=[],
    )
    assert new.scores.get(criterion__code="C3").criterion.title == NEW_C3


# --- The Wagtail admin ------------------------------------------------------------


def test_editor_rewords_a_criterion_in_the_admin(
    editor_client, editor, rubric, other_practitioner, practitioner
):
    experiment = registered()
    old = draft_critique(experiment, other_practitioner)
    assert editor_client.get(edit_url(rubric)).status_code == 200
    response = editor_client.post(
        edit_url(rubric),
        {**rubric_form(rubric, {"C3": {"title": NEW_C3}}), "action-publish": "1"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    version = current_version()
    assert version.number == 2
    assert version.published_by == editor
    assert titles(version)["C3"] == NEW_C3
    assert list(titles(version)) == CODES
    old.refresh_from_db()
    assert titles(old.rubric_version)["C3"] == DEFAULT_CRITERIA[2]["title"]
    new = services.critique_start(experiment=experiment, by=practitioner)
    assert new.rubric_version == version


def test_editor_saving_a_draft_in_the_admin_makes_no_version(editor_client, rubric):
    response = editor_client.post(
        edit_url(rubric), rubric_form(rubric, {"C3": {"title": NEW_C3}})
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert RubricVersion.objects.count() == 1
    assert titles(current_version())["C3"] == DEFAULT_CRITERIA[2]["title"]


def test_editor_publishing_the_same_wording_makes_no_version(editor_client, rubric):
    response = editor_client.post(
        edit_url(rubric), {**rubric_form(rubric), "action-publish": "1"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert RubricVersion.objects.count() == 1


def test_rubric_without_criteria_is_refused_in_the_admin(editor_client, rubric):
    data = rubric_form(rubric)
    for index in range(9):
        data[f"criteria-{index}-DELETE"] = "1"
    response = editor_client.post(edit_url(rubric), {**data, "action-publish": "1"})
    assert response.status_code == 200
    assert RubricVersion.objects.count() == 1
    assert rubric.criteria.count() == 9


def test_practitioner_cannot_edit_the_rubric(client, practitioner, rubric):
    assert client.login(username=practitioner.username, password=PASSWORD)
    response = client.get(edit_url(rubric))
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "/admin/login/" in response["Location"]
    response = client.post(
        edit_url(rubric),
        {**rubric_form(rubric, {"C3": {"title": NEW_C3}}), "action-publish": "1"},
    )
    assert response.status_code in (302, 403)
    assert RubricVersion.objects.count() == 1
    assert rubric.criteria.get(code="C3").title == DEFAULT_CRITERIA[2]["title"]
