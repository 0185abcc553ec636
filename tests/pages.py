"""What a person reads on a refusal page: its status, heading and message."""

import html
import re


def problem(response) -> tuple[int, str, str]:
    """The status, ``<h1>`` and first paragraph after it of a page built on problem.html."""
    body = response.content.decode()
    found = re.search(r"<h1>(.*?)</h1>\s*<p>(.*?)</p>", body, re.S)
    if found is None:
        return response.status_code, "", body[:300]
    heading, message = (html.unescape(re.sub(r"\s+", " ", part).strip()) for part in found.groups())
    return response.status_code, heading, message


NOT_FOUND = "Page not found"
CHECK_THE_ADDRESS = "Check the address, or start again from the list of pathways."
FORBIDDEN = (
    403, "You cannot see this page",
    "Sign in with an account that may see it, or start again from the list of pathways.",
)


def title(response) -> str:
    """The page's ``<title>``, what a browser tab and a screen reader announce first."""
    found = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    return html.unescape(found.group(1).strip()) if found else ""
