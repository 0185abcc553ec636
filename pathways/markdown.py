"""Outcome instructions: Markdown written by network leads, rendered safely."""

from __future__ import annotations

import re
from functools import lru_cache

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4", "blockquote", "code",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "tel", "mailto"}
SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
# A link nh3 has taken the address from: only its words remain.
LINK_WITHOUT_ADDRESS = re.compile(r"<a(?![^>]*\shref=)[^>]*>(.*?)</a>", re.DOTALL)


def _link_end(text: str, start: int) -> int | None:
    """The index after the ``)`` closing the link destination opened at ``start``."""
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "\\":
            continue
        if text[index] == "(":
            depth += 1
        elif text[index] == ")":
            depth -= 1
            if depth == 0:
                return index + 1
        elif text[index] == "\n" and text[index - 1] == "\n":
            return None
    return None


def _unsafe(destination: str) -> bool:
    compact = re.sub(r"[\s\x00-\x1f<>]", "", destination).lower()
    scheme = SCHEME.match(compact)
    return scheme is not None and scheme.group(1) not in URL_SCHEMES


def _drop_unsafe_links(text: str) -> str:
    """``[words](javascript:...)`` becomes ``words``, the whole link and its parentheses.

    Markdown reads ``javascript:alert("1")`` as an address and a title and
    leaves a stray ``)`` behind; cutting such links out whole, with balanced
    parentheses, leaves only the words.
    """
    result, cursor = [], 0
    for match in re.finditer(r"\]\(", text):
        if match.start() < cursor:
            continue
        opening = text.rfind("[", cursor, match.start())
        end = _link_end(text, match.end() - 1)
        if opening == -1 or end is None:
            continue
        if _unsafe(text[match.end():end - 1]):
            result.append(text[cursor:opening])
            result.append(text[opening + 1:match.start()])
            cursor = end
    result.append(text[cursor:])
    return "".join(result)


def render_markdown(text: str) -> SafeString:
    """HTML for ``text``: Markdown, then only harmless tags and http(s)/tel/mailto links.

    A link to anything else (``javascript:``, ``data:``) keeps its words and
    loses the link, with nothing left behind.
    """
    return mark_safe(_rendered(text or ""))  # noqa: S308 - sanitised by nh3


# The same instructions are shown at every evaluation of a version: a pure function of
# the text (and of the installed markdown and nh3), so its results are kept per process.
@lru_cache(maxsize=1024)
def _rendered(text: str) -> str:
    html = markdown_lib.markdown(_drop_unsafe_links(text), extensions=["sane_lists"])
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return LINK_WITHOUT_ADDRESS.sub(r"\1", cleaned)
