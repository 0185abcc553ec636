"""The security tests reuse the pathway world: rotas in May 2026 and a published pathway."""

from tests.pathways.conftest import published, rotas  # noqa: F401  (fixtures)
from tests.web.conftest import fixed_now  # noqa: F401
