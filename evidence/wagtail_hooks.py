from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Topic


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    menu_label = "Topics"
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["name", "category"]
    list_filter = ["category"]
    search_fields = ["name"]
    search_backend_name = None  # a short list: the ORM search is enough


register_snippet(TopicViewSet)
