"""Health endpoints for load balancers and orchestrators.

* ``/healthz`` — liveness: the process is up and answering. Never touches the
  database, so a database outage does not get healthy processes restarted.
* ``/readyz`` — readiness: the database answers ``SELECT 1``. 200 when it
  does, 503 when it does not; take the instance out of rotation on 503.

Both are plain, uncached and exempt from the HTTPS redirect (probes usually
speak plain HTTP inside the private network); they still need a ``Host``
header listed in ``ALLOWED_HOSTS``.
"""

import json
import logging

from django.db import Error as DatabaseError
from django.db import connections
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger("fieldguide.health")


# The liveness answer never changes: serialised once, not by JsonResponse per probe.
ALIVE = json.dumps({"status": "ok"}).encode()


@never_cache
@require_safe
def healthz(request):
    return HttpResponse(ALIVE, content_type="application/json")


@never_cache
@require_safe
def readyz(request):
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("Readiness check failed: database unreachable (%s)", type(exc).__name__)
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
