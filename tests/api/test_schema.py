"""The OpenAPI schema is valid OpenAPI 3, documents every endpoint, and the docs are offline."""

import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_schema_is_valid_openapi_3(schema):
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")


def test_schema_generates_without_warnings(tmp_path):
    # --fail-on-warn turns any undocumented view or field into a failure.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file",
                 str(tmp_path / "schema.yaml"))
    assert yaml.safe_load((tmp_path / "schema.yaml").read_text())["info"]["version"] == "1"


def test_schema_documents_every_endpoint(schema):
    assert sorted((path, method) for path, item in schema["paths"].items() for method in item) == [
        ("/api/v1/clinicians/", "get"), ("/api/v1/clinicians/{id}/", "get"),
        ("/api/v1/covers/", "post"),
        ("/api/v1/decisions/", "get"), ("/api/v1/decisions/{reference}/", "get"),
        ("/api/v1/leave/", "post"),
        ("/api/v1/networks/", "get"), ("/api/v1/networks/{slug}/", "get"),
        ("/api/v1/oncall/", "get"),
        ("/api/v1/pathways/", "get"), ("/api/v1/pathways/{slug}/", "get"),
        ("/api/v1/pathways/{slug}/evaluate/", "post"),
        ("/api/v1/pathways/{slug}/versions/", "get"),
        ("/api/v1/pathways/{slug}/versions/{number}/", "get"),
        ("/api/v1/rotas/", "get"), ("/api/v1/rotas/{slug}/", "get"),
        ("/api/v1/rotas/{slug}/shifts/", "get"),
        ("/api/v1/sites/", "get"), ("/api/v1/sites/{ods_code}/", "get"),
        ("/api/v1/trusts/", "get"), ("/api/v1/trusts/{ods_code}/", "get"),
    ]


def test_schema_documents_every_error_with_the_shape_and_an_example(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            errors = {code: r for code, r in operation["responses"].items() if code[0] == "4"}
            assert {"401", "429"} <= set(errors), (path, method)
            for code, response in errors.items():
                content = response["content"]["application/json"]
                assert content["schema"] == {"$ref": "#/components/schemas/Error"}
                assert content["examples"], (path, method, code)


def test_schema_documents_token_and_session_auth(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["apiToken"] == {
        "type": "apiKey", "in": "header", "name": "Authorization",
        "description": schemes["apiToken"]["description"],
    }
    assert "cookieAuth" in schemes


def test_schema_served_at_api_schema(db):
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "IR on-call pathway service API"


def test_docs_are_served_from_sidecar_not_a_cdn(db):
    response = APIClient().get("/api/docs/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "//cdn" not in page and "unpkg" not in page and "jsdelivr" not in page
