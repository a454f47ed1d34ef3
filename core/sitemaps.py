"""``/sitemap.xml`` building blocks and ``/robots.txt``.

The sitemap lists the home page, every listing page and every *published*
detail page — one ``RecordSitemap`` per registered record type
(``core.registry``), each built from ``published()`` — with the record's
``updated`` time as ``lastmod``. Two queries per record type (a count and the
rows), whatever the number of records. URLs use ``SITE_URL`` when it is set, so
a proxy's host name never leaks into them.

``config.urls`` composes the sitemap: ``build_sitemaps(pages=…)`` with the
pages apps add in their own ``sitemaps.py`` (e.g. the agenda comparison).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from . import registry
from .seo import absolute_url


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


class PagesSitemap(SiteURLSitemap):
    """Pages without a record: the home page, every listing and the ``pages`` given."""

    changefreq = "daily"
    priority = 0.8

    def __init__(self, pages=()):
        self.pages = tuple(pages)

    def items(self):
        listings = [rt.list_url_name for rt in registry.record_types()]
        return ["core:home", *listings, *self.pages]

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


def build_sitemaps(pages=()) -> dict[str, Sitemap]:
    """``{"listings": …, <record type slug>: …}`` for every registered record type.

    Built when the URLconf is imported, after every app has registered its types.
    """
    sitemaps: dict[str, Sitemap] = {"listings": PagesSitemap(pages)}
    for record_type in registry.record_types():
        sitemaps[record_type.slug] = RecordSitemap(record_type.model)
    return sitemaps


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
