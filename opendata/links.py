"""What the open data app offers on every listing page (hook ``listing_links``).

Each listing shows "Subscribe and download" links (``{% open_data_links %}``)
and names its feeds in the page head (``{% listing_feed_links %}``). A link is a
dict: ``label`` (shown on the page; none for head-only links), ``path``,
``type`` (a media type), ``download``, ``keep_filters`` (append the page's
query string, minus ``page``) and ``alternate`` (``True`` for the listing's
Atom feed, or a title, for ``<link rel="alternate">`` in the head).
"""

from django.urls import reverse

from core import registry


def listing_links(request, record_type: registry.RecordType) -> list[dict]:
    listing = record_type.listing
    links = [
        {
            "label": "Subscribe to this list (Atom feed)",
            "path": reverse("opendata:listing_feed", kwargs={"listing": listing}),
            "type": "application/atom+xml",
            "keep_filters": True,
            "alternate": True,
        },
        {
            "label": "Download as CSV",
            "path": reverse("opendata:listing_export", kwargs={"listing": listing, "fmt": "csv"}),
            "download": True,
            "keep_filters": True,
        },
        {
            "label": "Download as JSON",
            "path": reverse("opendata:listing_export", kwargs={"listing": listing, "fmt": "json"}),
            "download": True,
            "keep_filters": True,
        },
    ]
    if record_type is registry.get("program"):
        links.append(
            {
                "label": "Deadlines and cohort dates (iCalendar)",
                "path": reverse("opendata:program_calendar"),
                "type": "text/calendar",
                "keep_filters": True,
                "alternate": "Program deadlines and cohorts (iCalendar)",
            }
        )
    links.append(
        {"label": "Open data API (interactive documentation)", "path": reverse("api:docs")}
    )
    return links
