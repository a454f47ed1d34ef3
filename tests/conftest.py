import os

import pytest

# Playwright runs an event loop in the test thread; the ORM calls made by
# browser tests (fixtures, live_server) are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def editor(django_user_model):
    from django.apps import apps

    from editorial.permissions import sync_editors_group

    user = django_user_model.objects.create_user(
        "editor", "editor@example.org", "editor-password-123", is_staff=True
    )
    # The data migration creates the group; a transactional test's flush may have
    # removed it since, so make sure it exists (idempotent).
    user.groups.add(sync_editors_group(apps))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
