"""``/sitemap.xml`` and ``/robots.txt``.

The sitemap lists every listing page and every *published* detail page — one
``Sitemap`` class per record type, each built from ``published()`` — with the
record's ``updated`` time as ``lastmod``. Two queries per record type (a count
and the rows), whatever the number of records. URLs use ``SITE_URL`` when it is
set, so a proxy's host name never leaks into them.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from core.api.registry import RECORD_TYPES, absolute_url


class SiteURLSitemap(Sitemap):
    """Builds absolute URLs from ``SITE_URL`` when configured, else from the request."""

    def get_protocol(self, protocol=None):
        if settings.SITE_URL:
            return urlsplit(settings.SITE_URL).scheme
        return super().get_protocol(protocol)

    def get_domain(self, site=None):
        if settings.SITE_URL:
            return urlsplit(settings.SITE_URL).netloc
        return super().get_domain(site)


class ListingSitemap(SiteURLSitemap):
    """The home page, every listing page and the agenda comparison."""

    changefreq = "daily"
    priority = 0.8
    url_names = (
        "core:home",
        *(record_type.list_url_name for record_type in RECORD_TYPES.values()),
        "guides:agenda_compare",
    )

    def items(self):
        return list(self.url_names)

    def location(self, item):
        return reverse(item)


class RecordSitemap(SiteURLSitemap):
    """The published records of one type; ``lastmod`` is the record's ``updated``."""

    changefreq = "weekly"
    priority = 0.6
    model = None

    def __init__(self, model):
        self.model = model

    def items(self):
        return self.model.objects.published().order_by("pk").only("pk", "slug", "updated")

    def lastmod(self, item):
        return item.updated


def build_sitemaps() -> dict[str, Sitemap]:
    sitemaps: dict[str, Sitemap] = {"listings": ListingSitemap()}
    for slug, record_type in RECORD_TYPES.items():
        sitemaps[slug] = RecordSitemap(record_type.model)
    return sitemaps


SITEMAPS = build_sitemaps()


@require_GET
def robots_txt(request):
    """Crawlers may read everything but the admin; the sitemap is named.

    A custom ``ADMIN_URL`` is deliberately not listed: robots.txt is public, and
    naming a hidden admin path would advertise it.
    """
    return render(
        request,
        "robots.txt",
        {"sitemap_url": absolute_url(request, reverse("sitemap"))},
        content_type="text/plain; charset=utf-8",
    )
