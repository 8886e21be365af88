import pytest

from core.markdown import render_markdown
from tests.html_checks import executable_markup


def test_markdown_is_rendered():
    html = render_markdown("Some **bold** and a [link](https://example.org).")
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.org" rel="nofollow noopener ugc">link</a>' in html


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        "![x](https://example.org/x.png)",
        '<a href="#" onclick="alert(1)">x</a>',
        "<svg onload=alert(1)>",
        "[x](JaVaScRiPt:alert(1))",
    ],
)
def test_no_markup_that_can_run_survives(text):
    assert executable_markup(render_markdown(text)) == []


def test_big_headings_are_demoted_to_keep_the_page_outline():
    assert render_markdown("# Title").strip() == "<h3>Title</h3>"


def test_the_checker_itself_spots_live_markup():
    assert executable_markup('<a href=" javascript:x">a</a><p onclick="x">') == [
        "a[href= javascript:x]",
        "p[onclick]",
    ]
