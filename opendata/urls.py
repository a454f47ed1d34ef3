"""Reader-facing open-data URLs, included at the site root from ``config.urls``.

* ``/<listing>/feed.atom``   Atom feed of the listing as filtered (``?type=…``)
* ``/<listing>/export.csv``  CSV download of the listing as filtered
* ``/<listing>/export.json`` JSON download of the listing as filtered
* ``/programs/calendar.ics`` iCalendar of program deadlines and cohort starts
* ``/r/<type>/<pk>/``        permanent URL → 301 to the record's current page

``<listing>`` is the listing of a registered record type (``organizations``,
``roles``…) and ``<type>`` its slug (``organization``, ``failure-mode``…).
"""

from django.urls import path, register_converter

from core import registry

from .calendar import program_calendar
from .exports import listing_export
from .feeds import listing_feed
from .permalinks import permalink

app_name = "opendata"


class _ChoiceConverter:
    choices: tuple[str, ...] = ()

    def to_python(self, value):
        return value

    def to_url(self, value):
        if value not in self.choices:
            raise ValueError(value)
        return value


class ListingConverter(_ChoiceConverter):
    choices = tuple(rt.listing for rt in registry.record_types())
    regex = "|".join(sorted(choices, key=len, reverse=True))


class RecordTypeConverter(_ChoiceConverter):
    choices = tuple(registry.slugs())
    regex = "|".join(sorted(choices, key=len, reverse=True))


class ExportFormatConverter(_ChoiceConverter):
    choices = ("csv", "json")
    regex = "csv|json"


register_converter(ListingConverter, "listing")
register_converter(RecordTypeConverter, "record_type")
register_converter(ExportFormatConverter, "export_format")

urlpatterns = [
    path("programs/calendar.ics", program_calendar, name="program_calendar"),
    path("<listing:listing>/feed.atom", listing_feed, name="listing_feed"),
    path("<listing:listing>/export.<export_format:fmt>", listing_export, name="listing_export"),
    path("r/<record_type:record_type>/<int:pk>/", permalink, name="permalink"),
]
