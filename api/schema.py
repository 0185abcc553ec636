"""OpenAPI documentation shared by every endpoint: errors with examples, token auth."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers

from api.errors import error_body


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, for programs: e.g. not_found, invalid.")
    message = serializers.CharField(help_text="For a person: what is wrong and what to do.")
    field = serializers.CharField(
        allow_null=True, help_text="The parameter, body field or answer concerned."
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "For systems: 'Token <secret>', issued by an admin for one role in one "
                "network. Callers without a token or session are anonymous: no names."
            ),
        }


_ERRORS = {
    400: ("The request is not valid; the message says why and field names the parameter.", [
        ("Ambiguous wall time", error_body(
            "ambiguous_time",
            "25 Oct 2026 01:30 happens twice in Europe/London: the clocks go back that night. "
            "Give it with an offset: 2026-10-25T01:30:00+01:00 for the first (BST), "
            "2026-10-25T01:30:00+00:00 for the second (GMT) (in a URL, write + as %2B).",
            "at",
        )),
        ("Unknown rota", error_body("does_not_exist", "No rota is called 'vascular'.", "rota")),
    ]),
    401: ("The API token is not valid or was revoked, or sign-in is needed.", [
        ("Revoked token", error_body(
            "authentication_failed", "This API token has been revoked.", None
        )),
    ]),
    403: ("The caller's role does not allow this in this network.", [
        ("Not a coordinator", error_body(
            "permission_denied", "Your role does not allow this in this network.", None
        )),
    ]),
    404: ("Nothing exists at this address.", [
        ("Unknown slug", error_body("not_found", "Nothing was found at this address.", None)),
    ]),
    429: ("Too many requests from this client (anonymous callers and API tokens only).", [
        ("Throttled", error_body(
            "throttled", "Too many requests from this client. Try again in 12 seconds.", None
        )),
    ]),
}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """Documented error responses, in the one error shape, with an example each.

    401 and 429 are added to every endpoint: any call may carry a bad token or
    be throttled.
    """
    wanted = sorted(set(statuses) | {401, 429})
    return {
        status: OpenApiResponse(
            ErrorSerializer,
            description=_ERRORS[status][0],
            examples=[
                OpenApiExample(title, value=value, status_codes=[str(status)], response_only=True)
                for title, value in _ERRORS[status][1]
            ],
        )
        for status in wanted
    }
