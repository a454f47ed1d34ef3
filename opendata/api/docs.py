"""``/api/docs/``: the API's interactive documentation (Swagger UI).

drf-spectacular's own Swagger UI page carries an inline ``<style>`` and an inline
start-up ``<script>``, which the site's Content-Security-Policy refuses. This page
is a normal reader page (site header, breadcrumbs, an introduction that works
without JavaScript and links the schema itself) that loads Swagger UI's files
from ``drf-spectacular-sidecar`` (our own static files, no CDN) and starts it from
a static script that reads the schema's address from a ``data-`` attribute.
"""

from django.urls import reverse
from django.views.generic import TemplateView

from core import registry
from core.views import BreadcrumbMixin


class APIDocsView(BreadcrumbMixin, TemplateView):
    template_name = "opendata/api_docs.html"

    def get_breadcrumbs(self):
        return [("Open data API", self.request.path)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["endpoints"] = [
            (rt.display_plural, f"/api/v1/{rt.listing}/") for rt in registry.record_types()
        ]
        context["schema_yaml_url"] = reverse("api:schema")
        context["schema_json_url"] = reverse("api:schema-json")
        return context
