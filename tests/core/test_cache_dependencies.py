"""Invalidation by dependency, no miss storm, shared-cache headers and purges (core/cache.py)."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from core import cache as page_cache
from core import purge
from core.models import Status
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_backend")]

ORGS = "/organizations/"


@pytest.fixture(autouse=True)
def enabled(settings):
    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_TIMEOUT = 600
    settings.PAGE_CACHE_MAX_AGE = 0
    settings.PAGE_CACHE_PURGER = ""
    cache.clear()


@pytest.fixture
def reader():
    return Client()


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response, response.content.decode()


@pytest.fixture
def two_roles():
    shown = factories.OrganizationFactory(name="Shown Org")
    other = factories.OrganizationFactory(name="Unrelated Org")
    role_with = factories.RoleFactory(name="Role With Org")
    role_with.hiring_organizations.add(shown)
    role_without = factories.RoleFactory(name="Role Without Org")
    return shown, other, role_with, role_without


def test_editing_an_organization_re_renders_only_the_pages_that_show_it(
    reader, two_roles, django_assert_num_queries
):
    shown, other, role_with, role_without = two_roles
    for url in (role_with.get_absolute_url(), role_without.get_absolute_url()):
        assert get(reader, url)[0][page_cache.CACHE_HEADER] == "miss"

    shown.name = "Renamed Org"
    shown.save()

    # A role page that does not show the organization: still a hit, no query at all.
    with django_assert_num_queries(0):
        response = reader.get(role_without.get_absolute_url())
    assert response[page_cache.CACHE_HEADER] == "hit"
    # The one that shows it is rendered anew, with the new name.
    response, html = get(reader, role_with.get_absolute_url())
    assert response[page_cache.CACHE_HEADER] == "miss"
    assert "Renamed Org" in html and "Shown Org" not in html
    # Editing an organization neither page shows touches neither.
    other.summary = "Something else."
    other.save()
    for url in (role_with.get_absolute_url(), role_without.get_absolute_url()):
        assert reader.get(url)[page_cache.CACHE_HEADER] == "hit"


def test_a_new_published_record_reaches_its_listings_and_nothing_else(reader, two_roles):
    _shown, _other, _role_with, role_without = two_roles
    get(reader, ORGS)
    get(reader, "/")
    get(reader, role_without.get_absolute_url())

    factories.OrganizationFactory(name="Brand New Org")

    response, listing = get(reader, ORGS)
    assert response[page_cache.CACHE_HEADER] == "miss" and "Brand New Org" in listing
    response, _home = get(reader, "/")  # the home page counts organizations
    assert response[page_cache.CACHE_HEADER] == "miss"
    # A role page lists no organizations but its own: untouched.
    assert reader.get(role_without.get_absolute_url())[page_cache.CACHE_HEADER] == "hit"


def test_linking_a_record_re_renders_both_pages(reader, two_roles):
    _shown, other, _role_with, role_without = two_roles
    get(reader, role_without.get_absolute_url())
    get(reader, other.get_absolute_url())
    role_without.hiring_organizations.add(other)
    response, html = get(reader, role_without.get_absolute_url())
    assert response[page_cache.CACHE_HEADER] == "miss" and "Unrelated Org" in html
    response, html = get(reader, other.get_absolute_url())  # its roles / what links here
    assert response[page_cache.CACHE_HEADER] == "miss" and "Role Without Org" in html


def test_a_scheduled_record_appears_on_time_without_any_save(reader, settings):
    settings.PAGE_CACHE_TIMEOUT = 7200
    start = timezone.now()
    with time_machine.travel(start) as traveller:  # the clock runs, from ``start``
        role = factories.RoleFactory(name="Plain Role")
        scheduled = factories.OrganizationFactory(
            name="Scheduled Org", publish_at=start + datetime.timedelta(minutes=30)
        )
        _r, listing = get(reader, ORGS)
        assert "Scheduled Org" not in listing
        get(reader, role.get_absolute_url())
        assert reader.get(ORGS)[page_cache.CACHE_HEADER] == "hit"

        traveller.shift(datetime.timedelta(minutes=5))
        assert reader.get(ORGS)[page_cache.CACHE_HEADER] == "hit"  # not yet

        traveller.shift(datetime.timedelta(minutes=26))  # its moment has passed; no save
        response, listing = get(reader, ORGS)
        assert response[page_cache.CACHE_HEADER] == "miss"
        assert "Scheduled Org" in listing
        assert reader.get(scheduled.get_absolute_url()).status_code == 200
        # Pages that do not show it stay cached.
        assert reader.get(role.get_absolute_url())[page_cache.CACHE_HEADER] == "hit"


# -- no miss storm --------------------------------------------------------------------


def test_while_one_request_renders_the_others_get_the_previous_version(
    reader, django_assert_num_queries
):
    org = factories.OrganizationFactory(name="Storm Org")
    url = org.get_absolute_url()
    _r, _before = get(reader, url)
    org.summary = "Just edited."
    org.save()
    key = page_cache.page_key(reader.get(url).wsgi_request)  # renders (and stores) it
    org.summary = "Edited again."
    org.save()
    # Another request is rendering it (it holds the lock): this one must not render.
    cache.add(page_cache.LOCK_PREFIX + key, 1, timeout=5)
    with django_assert_num_queries(0):
        response = reader.get(url)
    assert response[page_cache.CACHE_HEADER] == "stale"
    assert "Just edited." in response.content.decode()
    cache.delete(page_cache.LOCK_PREFIX + key)
    response, html = get(reader, url)  # the lock is gone: rendered anew
    assert response[page_cache.CACHE_HEADER] == "miss" and "Edited again." in html


def test_without_a_previous_version_they_wait_for_the_render(reader, monkeypatch):
    org = factories.OrganizationFactory(name="Waited Org")
    url = org.get_absolute_url()
    response, _html = get(reader, url)
    key = page_cache.page_key(response.wsgi_request)
    entry = page_cache.stored_entry(key)
    cache.delete(key)
    cache.add(page_cache.LOCK_PREFIX + key, 1, timeout=5)
    renders = []
    real_render = page_cache.PageCacheMiddleware._render
    monkeypatch.setattr(
        page_cache.PageCacheMiddleware,
        "_render",
        lambda self, *a: renders.append(1) or real_render(self, *a),
    )

    def the_other_render_finishes(seconds):
        entry["rendered_at"] = page_cache._clock()
        page_cache.store(key, entry, 600)
        cache.delete(page_cache.LOCK_PREFIX + key)

    monkeypatch.setattr(page_cache, "_sleep", the_other_render_finishes)
    response = reader.get(url)
    assert response[page_cache.CACHE_HEADER] == "hit"
    assert renders == []  # it waited instead of rendering a second time
    assert "Waited Org" in response.content.decode()


# -- shared caches: headers and purges -----------------------------------------------------


def test_pages_carry_s_maxage_and_their_keys(reader, settings, two_roles):
    shown, _other, role_with, _role_without = two_roles
    settings.PAGE_CACHE_SHARED_MAX_AGE = 300
    for _ in range(2):  # the miss and the hit say the same
        response = reader.get(role_with.get_absolute_url())
        assert "s-maxage=300" in response["Cache-Control"]
        keys = response["Surrogate-Key"].split()
        assert response["xkey"] == response["Surrogate-Key"]
        assert "all" in keys
        assert f"r:careers.role:{role_with.pk}" in keys
        assert f"r:organizations.organization:{shown.pk}" in keys
        assert "l:organizations.organization" not in keys


class FakePurger:
    calls: list = []
    fail = False

    def purge(self, keys):
        if FakePurger.fail:
            raise OSError("purge endpoint down")
        FakePurger.calls.append(set(keys))


@pytest.fixture
def fake_purger(settings):
    settings.PAGE_CACHE_PURGER = "tests.core.test_cache_dependencies.FakePurger"
    settings.PAGE_CACHE_PURGE_ASYNC = False
    FakePurger.calls = []
    FakePurger.fail = False
    purge._purger_for.cache_clear()
    yield FakePurger
    purge._purger_for.cache_clear()


def test_saving_purges_the_records_keys(fake_purger, django_capture_on_commit_callbacks):
    org = factories.OrganizationFactory(name="Purged Org")
    fake_purger.calls.clear()
    with django_capture_on_commit_callbacks(execute=True):
        org.name = "Purged Org, renamed"
        org.save()
    assert len(fake_purger.calls) == 1  # once, on commit
    assert {f"r:organizations.organization:{org.pk}", "l:organizations.organization"} <= (
        fake_purger.calls[0]
    )


def test_a_failed_purge_never_blocks_the_save_and_is_retried(
    fake_purger, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(purge, "RETRY_PAUSE", 0)
    org = factories.OrganizationFactory(name="Purge Down Org")
    fake_purger.fail = True
    errors = []
    monkeypatch.setattr(purge.logger, "error", lambda msg, *args: errors.append(msg % args))
    with django_capture_on_commit_callbacks(execute=True):
        org.name = "Saved anyway"
        org.save()  # no exception
    org.refresh_from_db()
    assert org.name == "Saved anyway"
    assert errors and "Shared cache purge failed" in errors[0]
    key = f"r:organizations.organization:{org.pk}"
    assert key in cache.get(purge.PENDING_KEY)

    fake_purger.fail = False
    with django_capture_on_commit_callbacks(execute=True):
        other = factories.PaperFactory(name="Next save")
    assert any(key in call and f"r:guides.paper:{other.pk}" in call for call in fake_purger.calls)
    assert cache.get(purge.PENDING_KEY) is None


def test_draft_saves_never_reach_readers_through_keys(reader):
    draft = factories.OrganizationFactory(name="Hidden Draft", status=Status.DRAFT)
    _r, listing = get(reader, ORGS)
    draft.name = "Still Hidden"
    draft.save()
    _r, listing = get(reader, ORGS)
    assert "Hidden" not in listing


def test_search_results_follow_any_record_change(reader):
    factories.OrganizationFactory(name="Quokka Research Lab")
    response, html = get(reader, "/search/?q=quokka")
    assert "Quokka Research Lab" in html
    assert reader.get("/search/?q=quokka")[page_cache.CACHE_HEADER] == "hit"
    factories.PaperFactory(name="Quokka alignment paper")
    response, html = get(reader, "/search/?q=quokka")
    assert response[page_cache.CACHE_HEADER] == "miss"
    assert "Quokka alignment paper" in html


def test_a_new_role_in_the_category_reaches_the_more_in_category_list(reader, two_roles):
    _shown, _other, _role_with, role = two_roles
    get(reader, role.get_absolute_url())
    factories.RoleFactory(name="Brand New Role", category=role.category)
    response, html = get(reader, role.get_absolute_url())
    assert response[page_cache.CACHE_HEADER] == "miss" and "Brand New Role" in html
