"""The site's icons at the addresses browsers ask for without being told.

Browsers and crawlers request ``/favicon.ico`` whatever the page links, and an
installable site names its icons in a web app manifest. The icon files live in
``core/static/icons/`` (``icon.svg`` is the source; the PNGs and the ICO were
rendered from it); pages link the hashed static copies (``base.html``), and these
two views answer the fixed addresses.
"""

from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

ICON_DIR = Path(__file__).resolve().parent / "static" / "icons"


@cache
def _favicon_bytes() -> bytes:
    return (ICON_DIR / "favicon.ico").read_bytes()


@require_safe
@cache_control(public=True, max_age=7 * 24 * 60 * 60)
def favicon(request):
    """``/favicon.ico``: 16, 32 and 48 px PNGs in one ICO file."""
    return HttpResponse(_favicon_bytes(), content_type="image/vnd.microsoft.icon")


@require_safe
@cache_control(public=True, max_age=24 * 60 * 60)
def web_manifest(request):
    """``/site.webmanifest``: name, colours and icons for "add to home screen"."""
    name = settings.SITE_NAME
    icons = [
        {"src": static("icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static("icons/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    response = JsonResponse(
        {
            "name": name,
            "short_name": "Field Guide",
            "start_url": "/",
            "display": "browser",
            "background_color": "#ffffff",
            "theme_color": "#0b4f5c",
            "icons": icons,
        }
    )
    response["Content-Type"] = "application/manifest+json"
    return response
