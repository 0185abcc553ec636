"""Schemathesis against the live schema: generated requests, no 5xx, responses as documented.

Runs in process through WSGI (same database connection as the test), with
Hypothesis driven by hand so that the `world` fixture is built once.
"""

import pytest
import schemathesis
from django.conf import settings
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from pathways.models import Pathway
from pathways.publishing import version_create_draft
from rota import access
from rota.tokens import api_token_create

CHECKS = [
    not_a_server_error, status_code_conformance, content_type_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 25
# Known values so that some generated requests reach real data, not only 404s.
KNOWN = {
    "/api/v1/rotas/{slug}/": {"path_parameters": {"slug": "lsc-ir"}},
    "/api/v1/rotas/{slug}/shifts/": {"path_parameters": {"slug": "lsc-ir"}},
    "/api/v1/networks/{slug}/": {"path_parameters": {"slug": "lsc"}},
    "/api/v1/sites/{ods_code}/": {"path_parameters": {"ods_code": "RXN02"}},
    "/api/v1/trusts/{ods_code}/": {"path_parameters": {"ods_code": "RXN"}},
    "/api/v1/oncall/": {"query": {"network": "lsc"}},
    "/api/v1/pathways/": {"query": {"network": "lsc"}},
    "/api/v1/pathways/{slug}/": {"path_parameters": {"slug": "bleeding-ir"}},
    "/api/v1/pathways/{slug}/versions/": {"path_parameters": {"slug": "bleeding-ir"}},
    "/api/v1/pathways/{slug}/versions/{number}/": {
        "path_parameters": {"slug": "bleeding-ir", "number": 1},
    },
    "/api/v1/pathways/{slug}/evaluate/": {"path_parameters": {"slug": "bleeding-ir"}},
}

unthrottled = override_settings(REST_FRAMEWORK={
    **settings.REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "token": "100000/min"},
})


def _run(operation, headers, **fixed) -> int:
    """Up to EXAMPLES_PER_OPERATION generated calls; how many were made."""
    calls = []

    @hypothesis_settings(
        max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(**fixed))
    def check(case):
        calls.append(case.call_and_validate(headers=headers, checks=CHECKS).status_code)

    check()
    return len(calls)


@pytest.fixture
def same_connection():
    """Keep the test's transaction open across WSGI calls, as Django's test client does.

    The WSGI handler would otherwise close the connection after each request
    (its autocommit differs inside the test transaction), losing the test data
    on PostgreSQL.
    """
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def schema(world, rotas, pathway, same_connection):
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


@pytest.fixture
def known(decision):
    """KNOWN, with the reference of a logged decision (references are drawn at random)."""
    return {**KNOWN, "/api/v1/decisions/{reference}/": {
        "path_parameters": {"reference": decision.reference},
    }}


def _operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


@unthrottled
def test_schemathesis_every_get_endpoint_as_anonymous_and_switchboard(world, schema, known):
    _, secret = api_token_create(name="Fuzz", role=access.SWITCHBOARD, network=world.network,
                                 created_by=world.admin)
    cases = 0
    for operation in _operations(schema):
        if operation.method.upper() != "GET":
            continue
        for headers in ({}, {"Authorization": f"Token {secret}"}):
            cases += _run(operation, headers)
            if operation.path in known:
                cases += _run(operation, headers, **known[operation.path])
    assert cases >= 300, cases


@unthrottled
def test_schemathesis_pathways_and_decisions_as_network_lead(world, schema, known):
    # A lead token sees drafts and the decision log, which other callers get 404 or 403 for.
    _, secret = api_token_create(name="Fuzz", role=access.NETWORK_LEAD, network=world.network,
                                 created_by=world.admin)
    version_create_draft(pathway=Pathway.objects.get(slug="bleeding-ir"), user=world.lead)
    operations = [op for op in _operations(schema)
                  if op.path.startswith(("/api/v1/pathways/", "/api/v1/decisions/"))]
    cases = sum(
        _run(operation, {"Authorization": f"Token {secret}"}, **known.get(operation.path, {}))
        for operation in operations
    )
    assert cases >= 100, cases


@unthrottled
def test_schemathesis_every_post_endpoint_as_coordinator_token_and_anonymous(world, schema):
    _, secret = api_token_create(name="Fuzz", role=access.ROTA_COORDINATOR,
                                 network=world.network, created_by=world.admin)
    writes = [op for op in _operations(schema) if op.method.upper() == "POST"]
    assert {"/api/v1/covers/", "/api/v1/leave/", "/api/v1/pathways/{slug}/evaluate/"} <= {
        op.path for op in writes
    }
    cases = sum(
        _run(operation, headers, **KNOWN.get(operation.path, {}))
        for operation in writes
        for headers in ({"Authorization": f"Token {secret}"}, {})
    )
    assert cases >= 90, cases
