"""The logging tests log real events on the pathway world."""

from tests.pathways.conftest import published, rotas  # noqa: F401  (fixtures)
