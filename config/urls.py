"""The site's URLs, composed from every app's own (see docs/architecture.md)."""

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from core import health, icons
from core.sitemaps import build_sitemaps, robots_txt
from guides.sitemaps import PAGES as GUIDES_PAGES
from opendata.feeds import site_updates_feed

# The sitemap: home, listings, the pages apps add, and every registered record type.
SITEMAPS = build_sitemaps(pages=GUIDES_PAGES)

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("core.urls")),
    path("", include("search.urls")),
    # Findability: sitemap, robots.txt and the site-wide Atom feed of updates.
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("favicon.ico", icons.favicon, name="favicon"),
    path("site.webmanifest", icons.web_manifest, name="web_manifest"),
    path("feed.atom", site_updates_feed, name="feed"),
    # Open data: /api/v1/…, /api/schema/, listing feeds and exports, /r/<type>/<pk>/.
    path("api/", include("opendata.api.urls")),
    path("", include("opendata.urls")),
    # Reader feedback: the forms on every record page post here; editors see it in the admin.
    path("feedback/", include("feedback.urls")),
    # The decision page: /find-your-direction/ (its JSON is /api/v1/plan/).
    path("", include("pathfinder.urls")),
    path("", include("organizations.urls")),
    path("", include("careers.urls")),
    path("", include("guides.urls")),
]

handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
