from django.conf import settings
from django.core.exceptions import DisallowedHost

from . import hooks


def site(request):
    """Site name and the canonical URL of the current page (no query string)."""
    base = settings.SITE_URL
    if not base:
        try:
            base = request.build_absolute_uri("/").rstrip("/")
        except DisallowedHost:
            # A foreign Host header: the error page still renders, with a relative URL.
            base = ""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "canonical_url": base + request.path,
        "search_url": search_url(),
        "search_suggest": search_suggest(),
    }


def search_url() -> str:
    """The site search page's address (hook ``site_search_url``), or "" without one."""
    return next((url for url in hooks.run("site_search_url") if url), "")


def search_suggest() -> dict | None:
    """Type-ahead for the header's search box (hook ``site_search_suggest``), if offered.

    A dict with ``url`` (the JSON suggestion endpoint) and ``script`` (the static
    path of the script that uses it); the form works without either.
    """
    return next((offer for offer in hooks.run("site_search_suggest") if offer), None)
