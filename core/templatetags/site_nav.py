"""The main navigation, with the current section marked."""

from django import template
from django.urls import reverse

register = template.Library()

# (label, URL name): a section is current when the path starts with its URL.
SECTIONS = [
    ("Roles", "careers:role_list"),
    ("Research agendas", "guides:agenda_list"),
    ("Organizations", "organizations:organization_list"),
    ("Papers", "guides:paper_list"),
    ("Programs", "careers:program_list"),
    ("Failure modes", "guides:failuremode_list"),
    ("Guides", "guides:guide_list"),
]


@register.simple_tag(takes_context=True)
def nav_sections(context):
    """``[{"label", "url", "current"}, ...]`` — ``current`` is "page" or "true" or ""."""
    request = context.get("request")
    path = getattr(request, "path", "") or ""
    items = []
    for label, name in SECTIONS:
        url = reverse(name)
        if path == url:
            current = "page"
        elif path.startswith(url):
            current = "true"
        else:
            current = ""
        items.append({"label": label, "url": url, "current": current})
    return items
