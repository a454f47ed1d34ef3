"""``/feed.atom``: recently updated published records of every type.

One query per record type (the newest ``FEED_LENGTH`` of each), merged and cut
to the ``FEED_LENGTH`` most recently updated. Each entry's id is the record's
permanent URL (``/r/<type>/<pk>/``), so an edited record shows up as updated,
not as a new entry, and a renamed one keeps its id.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from core.api.registry import RECORD_TYPES, absolute_url

FEED_LENGTH = 40


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
        for record_type in RECORD_TYPES.values():
            latest = record_type.model.objects.published().order_by("-updated", "-pk")
            for record in latest[:FEED_LENGTH]:
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
        return records[:FEED_LENGTH]

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
