"""Record URLs without running the URL resolver for every record.

A listing or a detail page shows dozens to hundreds of links to records, and
``reverse()`` walks the URL patterns each time (about 26 µs a call here: 6 ms
of an agenda page's 241 links). A record's URL is its pattern's text with the
slug in the middle, so ``slug_url`` reverses each URL name once with a
placeholder slug and afterwards only joins the two halves around the record's
slug, quoted as ``reverse()`` quotes it. The halves are kept per URL
configuration and script prefix (the resolver ``clear_url_caches`` replaces is
part of the key), so a changed ``ROOT_URLCONF`` or a site mounted under a
``SCRIPT_NAME`` still gets its own URLs; a slug the URL's path converter would
not accept goes through ``reverse()`` and fails as it would.
"""

import re
from urllib.parse import quote

from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse


class TopicSlugConverter:
    """A topic's slug as taggit makes it: letters of any script (``sécurité``,
    ``安全``), digits, ``_`` and ``-``. Django's ``slug`` converter is ASCII only,
    so a topic named outside ASCII had no page (and its links raised)."""

    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


# What Django's ``slug`` path converter matches (django.urls.converters.SlugConverter).
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
TOPIC_SLUG = re.compile(TopicSlugConverter.regex)
# A value the converter accepts that no URL pattern's own text contains.
_PLACEHOLDER = "zz0slug0placeholder0zz"

_halves: dict[tuple, tuple[str, str] | None] = {}
_plain: dict[tuple, str] = {}


def _key(viewname: str) -> tuple:
    return (get_resolver(get_urlconf()), get_script_prefix(), viewname)


def slug_url(viewname: str, slug: str, *, converter: re.Pattern = SLUG) -> str:
    """``reverse(viewname, kwargs={"slug": slug})``, the resolver run once per name.

    ``converter``: what the URL's ``slug`` converter accepts (``SLUG`` for
    Django's ``slug``, ``TOPIC_SLUG`` for ``topic_slug``).
    """
    key = _key(viewname)
    try:
        halves = _halves[key]
    except KeyError:
        url = reverse(viewname, kwargs={"slug": _PLACEHOLDER})
        head, found, tail = url.partition(_PLACEHOLDER)
        halves = (head, tail) if found and _PLACEHOLDER not in tail else None
        _halves[key] = halves
    if halves is None or not isinstance(slug, str) or not converter.fullmatch(slug):
        return reverse(viewname, kwargs={"slug": slug})
    if not slug.isascii():
        slug = quote(slug)
    return f"{halves[0]}{slug}{halves[1]}"


def view_url(viewname: str) -> str:
    """``reverse(viewname)`` for a URL without arguments, run once per name."""
    key = _key(viewname)
    try:
        return _plain[key]
    except KeyError:
        url = _plain[key] = reverse(viewname)
        return url
