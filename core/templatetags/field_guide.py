from django import template

from core import hooks, registry
from core.markdown import render_markdown
from core.seo import breadcrumb_list, jsonld_script

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(value):
    """Render editor Markdown as sanitized HTML."""
    return render_markdown(value)


@register.filter
def minutes(value):
    """Format a number of minutes as "1 h 30 min"."""
    try:
        total = int(value)
    except (TypeError, ValueError):
        return ""
    hours, mins = divmod(total, 60)
    if hours and mins:
        return f"{hours} h {mins} min"
    if hours:
        return f"{hours} h"
    return f"{mins} min"


@register.filter
def reading_minutes(record):
    """A record's reading time, or None for a type without one. A template lookup
    of a missing attribute (``record.reading_minutes`` on a role) makes Django
    call ``dir()`` on the record to tell it from a failing property: about
    0.5 ms on a model instance, two dozen times on a guide page."""
    return getattr(record, "reading_minutes", None)


@register.simple_tag
def jsonld(data):
    """Render a dict as a JSON-LD script element."""
    return jsonld_script(data)


@register.simple_tag(takes_context=True)
def breadcrumbs_jsonld(context, crumbs):
    return jsonld_script(breadcrumb_list(context["request"], crumbs))


def _listing_links(context, listing):
    """What apps offer for a listing (hook ``listing_links``), e.g. its feed and downloads."""
    record_type = registry.for_listing(listing)
    if record_type is None:
        return []
    request = context.get("request")
    return [
        link
        for links in hooks.run("listing_links", request=request, record_type=record_type)
        for link in links
    ]


@register.inclusion_tag("partials/open_data_links.html", takes_context=True)
def open_data_links(context, listing):
    """The visible "Subscribe and download" links of a listing (left out on filter errors)."""
    if context.get("filter_errors"):
        return {"links": [], "request": context.get("request")}
    links = [link for link in _listing_links(context, listing) if link.get("label")]
    return {"links": links, "request": context.get("request")}


@register.inclusion_tag("partials/feed_link.html", takes_context=True)
def listing_feed_links(context, listing, title=""):
    """``<link rel="alternate">`` elements for a listing's feeds, keeping its filters."""
    links = [link for link in _listing_links(context, listing) if link.get("alternate")]
    return {
        "links": links,
        "title": title or listing.capitalize(),
        "request": context.get("request"),
    }
