"""The pages a person sees when something goes wrong, in the design system's voice.

Each says what happened and what to do next; the referral flow's own refusals
(``problem.html``) read the same way. The API answers its own errors as JSON
(:mod:`api.errors`), so these only ever serve pages.
"""

from __future__ import annotations

import sys

from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader

from config import outage

START_AGAIN = ("/", "Go to the start page")
# When the service itself fails, the referrer must still be able to get help.
FAILED = (
    "The service could not answer. Call your hospital's switchboard and ask for the on-call "
    "interventional radiologist. For a peri-arrest, call 2222."
)


def _page(request, status: int, title: str, message: str, link=START_AGAIN) -> HttpResponse:
    context = {"title": title, "message": message, "link": link[0], "link_text": link[1]}
    return render(request, "problem.html", context, status=status)


def not_found(request, exception=None):
    said = exception.args[0] if isinstance(exception, Http404) and exception.args else None
    message = said if isinstance(said, str) and said else (
        "Check the address, or start again from the list of pathways."
    )
    return _page(request, 404, "Page not found", message)


def bad_request(request, exception=None):
    said = exception.args[0] if isinstance(exception, BadRequest) and exception.args else None
    return _page(request, 400, "This request could not be read",
                 said if isinstance(said, str) and said else
                 "Go back and try again, or start again from the list of pathways.")


def forbidden(request, exception=None):
    return _page(request, 403, "You cannot see this page",
                 "Sign in with an account that may see it, or start again from the list of "
                 "pathways.")


def csrf_failure(request, reason=""):
    return _page(
        request, 403, "Your answer was not sent",
        "The page had been open for a long time, or you signed in or out in another tab. "
        "Reload the page and answer again: nothing was recorded.",
        link=(request.get_full_path(), "Reload the page"),
    )


UNAVAILABLE = (
    "The service cannot reach its database, so it cannot say who is on call. Call your "
    "hospital's switchboard and ask for the on-call interventional radiologist, or a network "
    "hub's switchboard. For a peri-arrest, call 2222."
)
RETRY_AFTER_SECONDS = "30"


def server_error(request):
    """500, or 503 when the database cannot be reached: both say whom to call instead.

    Called while the exception is being handled, so ``sys.exc_info`` names it.
    Nothing here touches the database: no context processors (the request
    only for its CSP nonce), and the hub switchboards come from this process's
    copy (:mod:`config.outage`).
    """
    if outage.is_unreachable(sys.exc_info()[1]):
        return database_unavailable(request)
    html = loader.get_template("problem.html").render({
        "title": "Sorry, there is a problem with the service", "message": FAILED,
        "link": "/", "link_text": "Try again from the start page",
        "request": request,  # for its scripts' CSP nonce only
    })
    return HttpResponse(html, status=500)


def database_unavailable(request) -> HttpResponse:
    """503: the API in its error shape, pages with the hub switchboards to call instead."""
    hubs = outage.hub_switchboards()
    if request.path.startswith("/api/"):
        numbers = "".join(f" {hub.network}: {hub.site} switchboard {hub.number}." for hub in hubs)
        response = JsonResponse({"error": {
            "code": "database_unavailable", "message": UNAVAILABLE + numbers, "field": None,
        }}, status=503)
    else:
        # The request only for the CSP nonce of the page's scripts; nothing that reads the database.
        html = loader.get_template("outage.html").render(
            {"message": UNAVAILABLE, "hubs": hubs, "request": request}
        )
        response = HttpResponse(html, status=503)
    response["Retry-After"] = RETRY_AFTER_SECONDS
    return response
