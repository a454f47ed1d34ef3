"""Atom feeds: the site's recent updates and any filtered listing.

* ``/feed.atom`` — recently updated published records of every registered
  type: one query per type (the newest ``SITE_FEED_LENGTH`` of each), merged and
  cut to the ``SITE_FEED_LENGTH`` most recently updated.
* ``/<listing>/feed.atom?…`` — the listing page's own FilterSet
  (``opendata.api.filters.filterset_for``) applied to ``published()`` records,
  so the feed of ``/organizations/?type=government-institute`` holds exactly
  those organizations, newest first. Link a listing to its feed with
  ``partials/feed_link.html``.

Each entry's id is the record's permanent URL (``/r/<type>/<pk>/``), so an
edited record shows up as updated, not as a new entry, and a renamed one keeps
its id.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponseBadRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from core import registry
from core.registry import RecordType
from core.seo import absolute_url

from .exports import filtered_records

FEED_LENGTH = 50
SITE_FEED_LENGTH = 40


@dataclass
class FeedContext:
    request: object
    record_type: RecordType
    queryset: object
    filters: list[tuple[str, str]]


def describe_filters(filterset) -> list[tuple[str, str]]:
    """``[(parameter, value), ...]`` for the filters with a value, in form order."""
    data = filterset.form.cleaned_data if hasattr(filterset.form, "cleaned_data") else {}
    described = []
    for name in filterset.filters:
        value = data.get(name)
        if value in (None, "", [], ()):
            continue
        if isinstance(value, list | tuple):
            value = ", ".join(str(item) for item in value)
        described.append((name, str(getattr(value, "slug", value))))
    return described


class ListingFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, *, context: FeedContext):
        return context

    def title(self, obj: FeedContext) -> str:
        label = obj.record_type.verbose_name_plural.capitalize()
        if obj.filters:
            label += " (" + ", ".join(f"{name}: {value}" for name, value in obj.filters) + ")"
        return f"{label} · {settings.SITE_NAME}"

    def subtitle(self, obj: FeedContext) -> str:
        return f"New and updated {obj.record_type.verbose_name_plural} on {settings.SITE_NAME}."

    def link(self, obj: FeedContext) -> str:
        query = obj.request.GET.copy()
        query.pop("page", None)
        path = reverse(obj.record_type.list_url_name)
        encoded = query.urlencode()
        return absolute_url(obj.request, f"{path}?{encoded}" if encoded else path)

    def feed_url(self, obj: FeedContext) -> str:
        return absolute_url(obj.request, obj.request.get_full_path())

    def author_name(self, obj: FeedContext) -> str:
        return settings.SITE_NAME

    def items(self, obj: FeedContext):
        records = list(
            obj.queryset.order_by("-publish_at", "-pk").prefetch_related("tags")[:FEED_LENGTH]
        )
        for record in records:
            path = reverse(
                "opendata:permalink",
                kwargs={"record_type": obj.record_type.slug, "pk": record.pk},
            )
            record.feed_permalink = absolute_url(obj.request, path)
            record.feed_link = absolute_url(obj.request, record.get_absolute_url())
        return records

    def item_title(self, item) -> str:
        return item.name

    def item_description(self, item) -> str:
        return item.summary

    def item_link(self, item) -> str:
        return item.feed_link

    def item_guid(self, item) -> str:
        return item.feed_permalink

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


listing_feed_view = ListingFeed()


def listing_feed(request, listing: str):
    """``/<listing>/feed.atom``: the Atom feed of the listing as filtered."""
    record_type = registry.for_listing(listing)
    if record_type is None:
        raise Http404("No such listing.")
    filterset, queryset = filtered_records(request, record_type)
    if queryset is None:
        return HttpResponseBadRequest(
            "These filters are not valid.", content_type="text/plain; charset=utf-8"
        )
    context = FeedContext(request, record_type, queryset, describe_filters(filterset))
    return listing_feed_view(request, context=context)


class SiteUpdatesFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, *args, **kwargs):
        return request

    def title(self, request):
        return f"{settings.SITE_NAME}: recent updates"

    def subtitle(self, request):
        return (
            "New and updated roles, research agendas, organizations, papers, programs, "
            "failure modes and guides."
        )

    def link(self, request):
        return absolute_url(request, reverse("core:home"))

    def feed_url(self, request):
        return absolute_url(request, reverse("feed"))

    def author_name(self, request):
        return settings.SITE_NAME

    def items(self, request):
        records = []
        for record_type in registry.record_types():
            latest = record_type.model.objects.published().order_by("-updated", "-pk")
            for record in latest[:SITE_FEED_LENGTH]:
                record.feed_type_label = str(record_type.model._meta.verbose_name)
                record.feed_permalink = absolute_url(
                    request,
                    reverse(
                        "opendata:permalink",
                        kwargs={"record_type": record_type.slug, "pk": record.pk},
                    ),
                )
                record.feed_link = absolute_url(request, record.get_absolute_url())
                records.append(record)
        records.sort(key=lambda record: record.updated, reverse=True)
        return records[:SITE_FEED_LENGTH]

    def item_title(self, item):
        return item.name

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.feed_link

    def item_guid(self, item):
        return item.feed_permalink

    def item_guid_is_permalink(self, item):
        return False

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated

    def item_categories(self, item):
        return [item.feed_type_label.capitalize()]


site_updates_feed = SiteUpdatesFeed()
