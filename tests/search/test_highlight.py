from search.highlight import highlight


def test_matches_are_marked_and_everything_else_escaped():
    html = highlight("Parents <b>liked</b> the Kitchen table & chairs", "kitchen")
    assert (
        html
        == "Parents &lt;b&gt;liked&lt;/b&gt; the <mark>Kitchen</mark> table &amp; chairs"
    )


def test_snippet_starts_near_the_first_match_and_ends_on_a_word():
    text = "word " * 100 + "needle in the haystack " + "more " * 100
    html = highlight(text, "needle", length=80)
    assert html.startswith("… ")
    assert "<mark>needle</mark>" in html
    assert html.endswith(" …")
    assert "mor …" not in html


def test_query_syntax_and_markup_in_the_query_are_harmless():
    html = highlight("a <script> tag", '<script> OR "tag')
    assert "<script>" not in html
    assert "<mark>tag</mark>" in html
