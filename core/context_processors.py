from django.conf import settings


def site(request):
    """Site name and the canonical URL of the current page (no query string)."""
    base = settings.SITE_URL or request.build_absolute_uri("/").rstrip("/")
    return {"SITE_NAME": settings.SITE_NAME, "canonical_url": base + request.path}
