"""Structured data (schema.org JSON-LD) and absolute URLs."""

import json

from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe

# Characters that could close the <script> element or start an HTML comment.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def jsonld_script(data: dict | list) -> str:
    """A ``<script type="application/ld+json">`` element, safe against ``</script>``."""
    payload = json.dumps(data, ensure_ascii=False, default=str).translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))


def breadcrumb_list(request, crumbs) -> dict:
    """schema.org BreadcrumbList for ``[(label, url_or_None), ...]``."""
    items = []
    for position, (label, url) in enumerate(crumbs, start=1):
        item = {"@type": "ListItem", "position": position, "name": str(label)}
        item["item"] = request.build_absolute_uri(url or request.path)
        items.append(item)
    return {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": items}


def absolute_url(request, path: str) -> str:
    """``path`` on this site as an absolute URL (``SITE_URL`` when configured)."""
    if settings.SITE_URL:
        return settings.SITE_URL + path
    if request is None:
        return path
    return request.build_absolute_uri(path)
