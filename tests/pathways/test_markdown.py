"""Outcome instructions are Markdown, rendered without anything unsafe."""

from pathways.markdown import render_markdown


def test_render_markdown_keeps_emphasis_lists_and_phone_links():
    html = render_markdown("**Call now**\n\n- one\n- two\n\n[Preston](tel:+441772716565)")
    assert str(html) == (
        "<p><strong>Call now</strong></p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"
        '<p><a href="tel:+441772716565" rel="noopener noreferrer">Preston</a></p>'
    )


def test_render_markdown_removes_scripts_handlers_and_javascript_links():
    html = render_markdown(
        '<script>alert(1)</script><img src=x onerror="alert(1)">'
        "[click](javascript:alert(1)) <b onclick=\"x()\">bold</b>"
    )
    assert str(html) == "\n<p>click bold</p>"


def test_render_markdown_of_nothing_is_empty():
    assert str(render_markdown("")) == ""


def test_render_markdown_javascript_link_leaves_only_its_words():
    html = render_markdown('See [the guide](javascript:alert("1")) now.')
    assert str(html) == "<p>See the guide now.</p>"


def test_render_markdown_unsafe_links_of_every_shape_leave_no_stray_bracket():
    for text in ("[a](javascript:alert(1))", "[a](JavaScript:foo(bar(1)))",
                 "[a](javascript:alert(1) \"t\")", "[a]( javascript:alert('x') )",
                 "[a](data:text/html,<b>x</b>)", "[a][r]\n\n[r]: javascript:alert(1)"):
        assert str(render_markdown(text)) == "<p>a</p>", text


def test_render_markdown_keeps_safe_links_with_parentheses():
    html = render_markdown("[ok](https://example.org/a_(b)) and [bad](javascript:x()) end")
    assert str(html) == (
        '<p><a href="https://example.org/a_(b)" rel="noopener noreferrer">ok</a> and bad end</p>'
    )
