"""``/api/v1/…`` (read-only JSON) and the OpenAPI schema at ``/api/schema/``.

Included from ``config.urls`` as ``path("api/", include("core.api.urls"))``.
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularYAMLAPIView
from rest_framework.routers import SimpleRouter

from .registry import RECORD_TYPES
from .views import VIEWSETS, OrganizationTypeViewSet

app_name = "api"

router = SimpleRouter()
router.register("organization-types", OrganizationTypeViewSet, basename="organizationtype")
for slug, record_type in RECORD_TYPES.items():
    router.register(record_type.listing, VIEWSETS[slug], basename=slug)

urlpatterns = [
    path("v1/", include(router.urls)),
    # The published OpenAPI 3 document: YAML at /api/schema/, JSON at /api/schema.json.
    path("schema/", SpectacularYAMLAPIView.as_view(), name="schema"),
    path("schema.json", SpectacularJSONAPIView.as_view(), name="schema-json"),
]
