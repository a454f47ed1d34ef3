"""The main navigation: one section per registered record type, the current one marked."""

from django import template
from django.urls import NoReverseMatch

from core import registry
from core.reversing import view_url

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_sections(context):
    """``[{"label", "url", "current"}, ...]`` — ``current`` is "page" or "true" or ""."""
    request = context.get("request")
    path = getattr(request, "path", "") or ""
    items = []
    for record_type in registry.record_types():
        try:
            url = view_url(record_type.list_url_name)
        except NoReverseMatch:  # a type whose app's pages are not in this URLconf
            continue
        if path == url:
            current = "page"
        elif path.startswith(url):
            current = "true"
        else:
            current = ""
        items.append({"label": record_type.display_plural, "url": url, "current": current})
    return items
