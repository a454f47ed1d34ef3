"""``/sitemap.xml`` building blocks and ``/robots.txt``.

The sitemap lists the home page, every listing page and every *published*
detail page — one ``RecordSitemap`` over every registered record type
(``core.registry``), each built from ``published()`` — with the record's
``updated`` time as ``lastmod``. One query for the whole sitemap, whatever the
number of records and of types. URLs use ``SITE_URL`` when it is set, so
a proxy's host name never leaks into them.

``config.urls`` composes the sitemap: ``build_sitemaps(pages=…)`` with the
pages apps add in their own ``sitemaps.py`` (e.g. the agenda comparison).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import F, Value
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from . import registry
from .cards import partial_record
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
    """The published records of ``models``, type after type, each by ``pk``;
    ``lastmod`` is the record's ``updated``.

    One query for every type together (a ``UNION ALL`` of ``pk``, ``slug`` and
    ``updated``); the items are a list, so the paginator counts them without
    another query.
    """

    changefreq = "weekly"
    priority = 0.6

    def __init__(self, *models):
        self.models = models

    def items(self):
        parts = [
            model.objects.published()
            .order_by()
            .annotate(_group=Value(index), _pk=F("pk"), _slug=F("slug"), _updated=F("updated"))
            .values_list("_group", "_pk", "_slug", "_updated")
            for index, model in enumerate(self.models)
        ]
        if not parts:
            return []
        rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        models = self.models
        return [
            partial_record(models[group], {"id": pk, "slug": slug, "updated": updated})
            for group, pk, slug, updated in rows.order_by("_group", "_pk")
        ]

    def lastmod(self, item):
        return item.updated


def build_sitemaps(pages=()) -> dict[str, Sitemap]:
    """``{"listings": …, "records": …}``: every registered record type's published
    records in one section (one query). Built when the URLconf is imported,
    after every app has registered its types."""
    return {
        "listings": PagesSitemap(pages),
        "records": RecordSitemap(*(rt.model for rt in registry.record_types())),
    }


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
