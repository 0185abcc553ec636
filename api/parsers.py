"""The API's JSON parser: the body and nesting limits of :mod:`rota.bounds`, refused as 4xx.

Without them a body of any size is read into memory, and JSON nested a few
thousand deep makes the standard library raise ``RecursionError`` (a 500).
"""

from __future__ import annotations

import json

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from rota.bounds import MAX_JSON_DEPTH, MAX_REQUEST_BODY_BYTES


class RequestTooLarge(ParseError):
    status_code = 413
    default_code = "too_large"


def json_depth(value) -> int:
    """How deeply ``value`` nests objects and arrays (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth + 1)
        stack.extend((child, depth + 1) for child in children)
    return deepest


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read(MAX_REQUEST_BODY_BYTES + 1) if stream is not None else b""
        if len(raw) > MAX_REQUEST_BODY_BYTES:
            raise RequestTooLarge(
                f"The request body is larger than {MAX_REQUEST_BODY_BYTES // 1024} KB; "
                "send only the fields the endpoint reads."
            )
        encoding = (parser_context or {}).get("encoding") or "utf-8"
        try:
            data = json.loads(raw.decode(encoding)) if raw else {}
        except RecursionError as error:
            raise ParseError(self._too_deep()) from error
        except (ValueError, UnicodeDecodeError) as error:
            raise ParseError(f"The body is not valid JSON: {error}") from error
        if json_depth(data) > MAX_JSON_DEPTH:
            raise ParseError(self._too_deep())
        return data

    @staticmethod
    def _too_deep() -> str:
        return (f"The JSON nests more than {MAX_JSON_DEPTH} levels deep; no endpoint reads "
                "anything that deep.")
