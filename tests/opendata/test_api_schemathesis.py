"""Property-based run of the open data API against its own OpenAPI schema.

The schema is the one served at ``/api/schema.json`` (drf-spectacular's
generator, rendered to JSON); Schemathesis calls the WSGI app in-process (no
server needed), generates requests for every operation — valid and invalid
filter values, page numbers, page sizes, slugs — and asserts that none gets a
server error. ``MAX_EXAMPLES`` per operation keeps the run well under two
minutes.
"""

import json

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from tests.opendata.test_api import _connected_world

MAX_EXAMPLES = 25


def _load_schema():
    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(document)))
    loaded.app = get_wsgi_application()  # as schemathesis.openapi.from_wsgi does
    return loaded


schema = _load_schema()


@pytest.fixture(autouse=True)
def _records(db):
    _connected_world(3)


@pytest.fixture(autouse=True)
def _keep_test_connection():
    """Calling the WSGI app directly sends request_started/finished, whose
    close_old_connections would close the test transaction's connection on
    PostgreSQL; Django's own test client disconnects it the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_schema_is_the_published_one(client):
    published = json.loads(client.get("/api/schema.json").content)
    assert set(published["paths"]) == set(schema.raw_schema["paths"])


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_answers_with_a_server_error(case):
    response = case.call()
    case.validate_response(response, checks=[not_a_server_error])
    assert response.status_code < 500
