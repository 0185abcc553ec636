"""The mutation checks call control tests directly, with the fixtures those tests use."""

from tests.pathways.conftest import published, rotas  # noqa: F401  (fixtures)
from tests.web.conftest import fixed_now  # noqa: F401
