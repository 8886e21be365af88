"""Render user-written Markdown to HTML that cannot run script.

Markdown is rendered first (CommonMark, raw HTML disabled), then the result goes
through nh3's allow-list sanitiser, so even a rendering bug cannot let markup through.
"""

import nh3
from markdown_it import MarkdownIt

from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}

_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")


def render_markdown(text: str) -> SafeString:
    """Return sanitised HTML for `text`; headings are demoted so pages keep their outline."""
    html = _renderer.render(text or "")
    for level in (1, 2):
        html = html.replace(f"<h{level}>", "<h3>").replace(f"</h{level}>", "</h3>")
    for level in (5, 6):
        html = html.replace(f"<h{level}>", "<h4>").replace(f"</h{level}>", "</h4>")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener ugc",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 above
