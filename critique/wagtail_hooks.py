from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Rubric


class RubricViewSet(SnippetViewSet):
    model = Rubric
    icon = "list-ol"
    menu_label = "Critique rubric"
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["title", "live"]


register_snippet(RubricViewSet)
