"""Domain errors of the pathways app.

Each carries a ``code`` a program can test and a ``message`` a person can act
on; the admin shows the message, the API turns the error into a 4xx.
"""

from __future__ import annotations


class PathwayError(Exception):
    """Base class: a request the pathways domain refuses, with a reason."""

    code = "pathway_error"

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class FrozenError(PathwayError):
    """A published or retired version (or a decision) cannot be changed or deleted."""

    code = "frozen"


class PublishingError(PathwayError):
    """A draft, publish or retire request refused; ``problems`` lists validation problems."""

    code = "publishing"

    def __init__(self, message: str, *, code: str | None = None, problems=()):
        super().__init__(message, code=code)
        self.problems = list(problems)


class EvaluationError(PathwayError):
    """Answers that do not fit the tree; ``node_key`` names the wrong answer's node."""

    code = "evaluation"

    def __init__(self, code: str, message: str, node_key: str | None = None):
        super().__init__(message, code=code)
        self.node_key = node_key

    def __repr__(self) -> str:
        return f"EvaluationError({self.code!r}, {self.message!r}, {self.node_key!r})"
