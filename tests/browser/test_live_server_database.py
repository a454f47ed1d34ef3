"""The browser tests' live server and the tests themselves never share a SQLite
connection between threads (see ``django_db_modify_db_settings`` in conftest)."""

import threading

import pytest

pytestmark = pytest.mark.browser


def test_the_live_server_opens_its_own_connections(live_server):
    from django.db import connection, connections

    from organizations.models import OrganizationType

    assert live_server.thread.connections_override == {}
    if connection.vendor != "sqlite":
        return
    assert not connection.is_in_memory_db()
    # A row the test commits is read by another thread through that thread's own connection.
    OrganizationType.objects.create(name="Lab", slug="lab")
    seen = {}

    main_connection = connections["default"]

    def read():
        thread_connection = connections["default"]
        seen["same"] = thread_connection is main_connection
        seen["names"] = list(OrganizationType.objects.values_list("name", flat=True))
        thread_connection.close()

    reader = threading.Thread(target=read)
    reader.start()
    reader.join(10)
    assert seen == {"same": False, "names": ["Lab"]}
