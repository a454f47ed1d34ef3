"""The floor: a bare Django view (one-line ``HttpResponse``, no middleware, no database).

Served by the same gunicorn configuration as the site (``bench/tiers.py``)::

    gunicorn -c config/gunicorn.py bench.bare_wsgi
"""

from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-floor-not-a-secret",  # noqa: S106 - serves one constant page
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402


def bare(request):
    return HttpResponse("ok")


urlpatterns = [path("", bare), path("readyz", bare)]

application = get_wsgi_application()
