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
    assert str(html) == '\n<p><a rel="noopener noreferrer">click</a> bold</p>'


def test_render_markdown_of_nothing_is_empty():
    assert str(render_markdown("")) == ""
