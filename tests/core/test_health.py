"""Health endpoints, and the 503 page during a database outage (then recovery)."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_is_alive_without_the_database(client):
    # No django_db mark: any query here would raise.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.content == b'{"status": "ok"}'  # what JsonResponse sent
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert response["Expires"]


@pytest.mark.django_db
def test_readyz_is_ready_when_the_database_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_health_endpoints_are_exempt_from_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/roles/").status_code == 301


def test_health_endpoints_refuse_writes(client):
    assert client.post("/healthz").status_code == 405


# A child interpreter serves requests through the full stack with the database
# pointed at a closed port (or, on SQLite, an unopenable file), then points it
# back at a working database without restarting: the site must recover alone.
OUTAGE_SCRIPT = textwrap.dedent(
    """
    import json, os
    from wsgiref.util import setup_testing_defaults

    from django.core.wsgi import get_wsgi_application

    # The real WSGI path, as under gunicorn: request_started/request_finished
    # run Django's connection housekeeping (the test client skips it).
    application = get_wsgi_application()
    from django.db import connection

    good = json.loads(os.environ["GOOD_DB"])
    out = {}

    def get(path):
        environ = {"PATH_INFO": path, "REQUEST_METHOD": "GET"}
        setup_testing_defaults(environ)
        seen = {}

        def start_response(status, headers, exc_info=None):
            seen["status"] = int(status.split()[0])
            seen["headers"] = dict(headers)

        result = application(environ, start_response)
        try:
            body = b"".join(result).decode()
        finally:
            result.close()
        return seen["status"], body, seen["headers"]

    def snapshot(tag):
        for path in ("/healthz", "/readyz", "/organizations/", "/roles/"):
            status, body, headers = get(path)
            out[f"{tag} {path}"] = {
                "status": status,
                "body": body,
                "request_id": headers.get("X-Request-ID"),
                "retry_after": headers.get("Retry-After"),
            }

    snapshot("down")

    # The database comes back.
    connection.close()
    connection.settings_dict.update(good)
    snapshot("up")

    if connection.vendor == "postgresql":
        # A restart drops the pooled connection under a live process; the next
        # request must notice (CONN_HEALTH_CHECKS) and reconnect by itself.
        get("/readyz")
        import psycopg
        pid = connection.connection.info.backend_pid
        params = {k: v for k, v in {
            "host": good["HOST"], "port": good["PORT"], "user": good["USER"],
            "password": good["PASSWORD"], "dbname": good["NAME"],
        }.items() if v}
        with psycopg.connect(**params, autocommit=True) as killer:
            killer.execute("SELECT pg_terminate_backend(%s)", [pid])
        snapshot("restarted")

    print("RESULT " + json.dumps(out))
    """
)


@pytest.mark.django_db
def test_database_outage_gives_503_and_the_site_recovers(tmp_path):
    from django.db import connection

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings", "LOG_FORMAT": "json"}
    if connection.vendor == "postgresql":
        good = {k: connection.settings_dict[k] for k in ("HOST", "PORT", "USER", "PASSWORD")}
        good["NAME"] = connection.settings_dict["NAME"]  # the (migrated) test database
        user = good["USER"] or "postgres"
        env["DATABASE_URL"] = f"postgres://{user}@127.0.0.1:1/{good['NAME']}"  # closed port
    else:
        # A copy of the migrated test database stands in for the returning server.
        import sqlite3

        good = {"NAME": str(tmp_path / "recovered.sqlite3")}
        connection.ensure_connection()
        with sqlite3.connect(good["NAME"]) as copy:
            connection.connection.backup(copy)
        env["DATABASE_URL"] = "sqlite:////nonexistent-directory/unreachable.sqlite3"
    env["GOOD_DB"] = json.dumps(good)

    result = subprocess.run(
        [sys.executable, "-c", OUTAGE_SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT "))
    out = json.loads(line.removeprefix("RESULT "))

    # Down: alive, not ready, readers get the friendly 503 page with a reference.
    assert out["down /healthz"]["status"] == 200
    assert out["down /readyz"]["status"] == 503
    assert json.loads(out["down /readyz"]["body"])["status"] == "unavailable"
    for path in ("/organizations/", "/roles/"):
        page = out[f"down {path}"]
        assert page["status"] == 503, page["body"][:500]
        assert "briefly unavailable" in page["body"]
        assert page["request_id"] and page["request_id"] in page["body"]
        assert page["retry_after"] == "30"
        assert "Traceback" not in page["body"]
        assert "OperationalError" not in page["body"]

    # Up again, same process: everything answers.
    for path in ("/healthz", "/readyz", "/organizations/", "/roles/"):
        assert out[f"up {path}"]["status"] == 200, (path, out[f"up {path}"]["body"][:500])
    if connection.vendor == "postgresql":
        for path in ("/healthz", "/readyz", "/organizations/", "/roles/"):
            assert out[f"restarted {path}"]["status"] == 200, path

    # The outage was logged as JSON lines carrying request ids, without tracebacks to readers.
    logged = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert any(r.get("status") == 503 and r["request_id"] != "-" for r in logged)
