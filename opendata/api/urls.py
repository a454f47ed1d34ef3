"""``/api/v1/…`` (read-only JSON), the OpenAPI schema at ``/api/schema/`` and its
interactive documentation at ``/api/docs/``.

Included from ``config.urls`` as ``path("api/", include("opendata.api.urls"))``.
One endpoint per registered record type (``/api/v1/<listing>/``), plus the
endpoints apps add through the ``api_routes`` hook (organization types).
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularYAMLAPIView
from rest_framework.routers import SimpleRouter

from core import hooks, registry

from .docs import APIDocsView
from .views import record_viewset

app_name = "api"

router = SimpleRouter()
for routes in hooks.run("api_routes"):
    for prefix, viewset, basename in routes:
        router.register(prefix, viewset, basename=basename)
for record_type in registry.record_types():
    router.register(record_type.listing, record_viewset(record_type), basename=record_type.slug)

urlpatterns = [
    path("v1/", include(router.urls)),
    # The published OpenAPI 3 document: YAML at /api/schema/, JSON at /api/schema.json.
    path("schema/", SpectacularYAMLAPIView.as_view(), name="schema"),
    path("schema.json", SpectacularJSONAPIView.as_view(), name="schema-json"),
    # Interactive documentation of the schema (Swagger UI, self-hosted).
    path("docs/", APIDocsView.as_view(), name="docs"),
]
