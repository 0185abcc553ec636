"""One error shape for every 4xx of the API, and the domain error views raise.

Every refusal reads ``{"error": {"code": ..., "message": ..., "field": ...}}``:
``code`` is stable for programs, ``message`` is for a person to act on, and
``field`` names the parameter, body field or pathway answer concerned (or null).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

NON_FIELD_KEYS = {"non_field_errors", "__all__"}


class ApiError(exceptions.APIException):
    """A refusal with a message a person can act on, naming the field concerned."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"

    def __init__(
        self, message: str, *, code: str = "invalid", field: str | None = None,
        status_code: int = status.HTTP_400_BAD_REQUEST,
    ) -> None:
        super().__init__(message, code)
        self.field = field
        self.status_code = status_code


def error_body(code: str, message: str, field: str | None = None) -> dict:
    return {"error": {"code": code, "message": message, "field": field}}


def _first_error(detail, path: tuple[str, ...] = ()):
    """The first (field path, ErrorDetail) in a DRF error structure, depth first."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            found = _first_error(value, path if key in NON_FIELD_KEYS else (*path, str(key)))
            if found:
                return found
        return None
    if isinstance(detail, list):
        for index, value in enumerate(detail):
            # A list of messages belongs to the field; a list of objects is indexed.
            nested = isinstance(value, dict | list)
            found = _first_error(value, (*path, str(index)) if nested else path)
            if found:
                return found
        return None
    return (".".join(path) or None, detail)


def _converted(exc):
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, Http404):
        return exceptions.NotFound("Nothing was found at this address.")
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    return exc


def _message(exc) -> str:
    if isinstance(exc, exceptions.Throttled):
        wait = f" Try again in {int(exc.wait) + 1} seconds." if exc.wait is not None else ""
        return f"Too many requests from this client.{wait}"
    if isinstance(exc, exceptions.NotAuthenticated):
        return "Sign in, or send an API token as 'Authorization: Token <secret>'."
    if isinstance(exc, exceptions.PermissionDenied) and str(exc.detail) == str(
        exceptions.PermissionDenied.default_detail
    ):
        return "Your role does not allow this in this network."
    return str(exc.detail)


def api_exception_handler(exc, context):
    """DRF's handler, with every refusal rewritten into the one error shape."""
    exc = _converted(exc)
    response: Response | None = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        found = _first_error(exc.detail)
        field, detail = found if found else (None, "The request is not valid.")
        code = getattr(detail, "code", None) or "invalid"
        response.data = error_body(code, str(detail), field)
        return response
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    if not isinstance(code, str):
        code = "error"
    response.data = error_body(code, _message(exc), getattr(exc, "field", None))
    return response
