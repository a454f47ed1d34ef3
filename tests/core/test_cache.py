"""The anonymous page cache (core/cache.py): hits, invalidation, scheduling, privacy, 304s."""

import datetime
import gzip
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core import cache as page_cache
from core.models import Status
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_backend")]

ORGS = "/organizations/"


@pytest.fixture(autouse=True)
def enabled(settings):
    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_TIMEOUT = 600
    settings.PAGE_CACHE_MAX_AGE = 0


@pytest.fixture
def reader():
    """An anonymous browser (pytest-django's ``client`` is the editor's, logged in)."""
    return Client()


def get(client, url, **headers):
    response = client.get(url, **headers)
    return response, response.content.decode()


# -- hits ------------------------------------------------------------------------------


def test_anonymous_page_is_served_from_the_cache(reader, django_assert_num_queries):
    org = factories.OrganizationFactory(name="Cached Labs")
    first, html = get(reader, org.get_absolute_url())
    assert first.status_code == 200 and "Cached Labs" in html
    assert first[page_cache.CACHE_HEADER] == "miss"
    with django_assert_num_queries(0):
        second = reader.get(org.get_absolute_url())
    assert second[page_cache.CACHE_HEADER] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["ETag"] == first["ETag"]


def test_query_string_is_part_of_the_key(reader):
    factories.OrganizationFactory(name="Alpha Org", operating_status="active")
    factories.OrganizationFactory(name="Beta Org", operating_status="defunct")
    _r, active = get(reader, ORGS + "?status=active")
    _r, defunct = get(reader, ORGS + "?status=defunct")
    assert "Alpha Org" in active and "Beta Org" not in active
    assert "Beta Org" in defunct and "Alpha Org" not in defunct


def test_disabled_cache_adds_nothing(reader, settings):
    settings.PAGE_CACHE_ENABLED = False
    response = reader.get(ORGS)
    assert page_cache.CACHE_HEADER not in response
    assert "ETag" not in response


def test_enabled_by_default_only_with_a_shared_cache(settings):
    settings.PAGE_CACHE_ENABLED = None
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert not page_cache.page_cache_enabled()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
        }
    }
    assert page_cache.page_cache_enabled()


def test_settings_use_redis_and_the_page_cache_when_redis_url_is_set():
    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "REDIS_URL": "redis://127.0.0.1:6379/3",
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env.pop("PAGE_CACHE", None)
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "from core.cache import page_cache_enabled; "
        "print(s.CACHES['default']['BACKEND'], page_cache_enabled(), "
        "'core.cache.PageCacheMiddleware' in s.MIDDLEWARE)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["core.redis_cache.RedisCache", "True", "True"]


# -- invalidation ----------------------------------------------------------------------


def test_an_editor_saving_a_record_is_visible_on_the_next_request(reader):
    org = factories.OrganizationFactory(name="Old Name Institute")
    _r, html = get(reader, org.get_absolute_url())
    assert "Old Name Institute" in html
    _r, listing = get(reader, ORGS)
    assert "Old Name Institute" in listing

    org.name = "New Name Institute"
    org.save()

    response, html = get(reader, org.get_absolute_url())
    assert response[page_cache.CACHE_HEADER] == "miss"
    assert "New Name Institute" in html and "Old Name Institute" not in html
    _r, listing = get(reader, ORGS)
    assert "New Name Institute" in listing


def test_child_rows_relations_and_tags_invalidate(reader):
    role = factories.RoleFactory(name="Cache Role")
    factories.RoleDutyFactory(role=role, text="First duty")
    url = role.get_absolute_url()
    get(reader, url)

    factories.RoleDutyFactory(role=role, text="A brand new duty")
    _r, html = get(reader, url)
    assert "A brand new duty" in html

    org = factories.OrganizationFactory(name="Newly Hiring Org")
    get(reader, url)
    role.hiring_organizations.add(org)
    _r, html = get(reader, url)
    assert "Newly Hiring Org" in html

    role.tags.add("freshly-tagged")
    _r, html = get(reader, url)
    assert "freshly-tagged" in html


def test_deleting_a_record_invalidates(reader):
    org = factories.OrganizationFactory(name="Soon Gone Org")
    _r, listing = get(reader, ORGS)
    assert "Soon Gone Org" in listing
    org.delete()
    _r, listing = get(reader, ORGS)
    assert "Soon Gone Org" not in listing


def test_keys_are_invalidated_at_once_and_again_when_the_transaction_commits(
    django_capture_on_commit_callbacks, monkeypatch
):
    calls = []
    real = page_cache.invalidate
    monkeypatch.setattr(
        page_cache, "invalidate", lambda keys, **kw: calls.append(set(keys)) or real(keys, **kw)
    )
    with django_capture_on_commit_callbacks(execute=True):
        org_type = factories.OrganizationTypeFactory(name="Committed type", slug="committed-type")
    key = f"r:organizations.organizationtype:{org_type.pk}"
    assert len([c for c in calls if key in c]) == 2  # at once… and again on commit
    assert "l:organizations.organization" in calls[0]  # the listings that use the type


def test_publishing_through_the_admin_action_is_visible_on_the_next_request(reader, editor):
    draft = factories.OrganizationFactory(name="Freshly Published Org", status=Status.DRAFT)
    _r, listing = get(reader, ORGS)
    assert "Freshly Published Org" not in listing
    assert reader.get(draft.get_absolute_url()).status_code == 404

    staff = Client()
    staff.force_login(editor)
    staff.post(
        reverse("admin:organizations_organization_changelist"),
        {"action": "publish", ACTION_CHECKBOX_NAME: [str(draft.pk)]},
    )
    draft.refresh_from_db()
    assert draft.is_published

    _r, listing = get(reader, ORGS)
    assert "Freshly Published Org" in listing
    assert reader.get(draft.get_absolute_url()).status_code == 200


# -- scheduled publishing --------------------------------------------------------------


def test_a_scheduled_record_appears_when_its_time_comes(reader, monkeypatch):
    now = timezone.now()
    publish_at = now + datetime.timedelta(hours=1)
    factories.OrganizationFactory(name="Scheduled Org", publish_at=publish_at)

    _r, listing = get(reader, ORGS)
    assert "Scheduled Org" not in listing
    state = page_cache.content_state()
    assert state["next_publish"] == pytest.approx(publish_at.timestamp())
    response, _html = get(reader, ORGS)
    assert response[page_cache.CACHE_HEADER] == "hit"

    # Two hours later — without any save.
    later = now + datetime.timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    monkeypatch.setattr(page_cache, "_clock", later.timestamp)
    response, listing = get(reader, ORGS)
    assert response[page_cache.CACHE_HEADER] == "miss"
    assert "Scheduled Org" in listing
    assert page_cache.content_state()["next_publish"] is None


def test_next_scheduled_publish_ignores_drafts_and_the_past():
    now = timezone.now()
    factories.PaperFactory(publish_at=now - datetime.timedelta(days=1))
    factories.PaperFactory(status=Status.DRAFT, publish_at=now + datetime.timedelta(hours=1))
    assert page_cache.next_scheduled_publish(now) is None
    soon = now + datetime.timedelta(hours=3)
    factories.RoleFactory(publish_at=soon)
    factories.PaperFactory(publish_at=now + datetime.timedelta(days=3))
    assert page_cache.next_scheduled_publish(now) == soon


# -- privacy ---------------------------------------------------------------------------


def test_staff_never_get_the_cached_anonymous_page(reader, editor_client):
    factories.OrganizationFactory(name="Public Org")
    factories.OrganizationFactory(name="Draft Org", status=Status.DRAFT)
    _r, listing = get(reader, ORGS)
    assert "Draft Org" not in listing
    response, staff_listing = get(editor_client, ORGS)
    assert page_cache.CACHE_HEADER not in response
    assert "Draft Org" in staff_listing  # staff see drafts, with a badge


def test_anonymous_readers_never_get_a_staff_preview(reader, editor_client):
    draft = factories.OrganizationFactory(name="Secret Draft Org", status=Status.DRAFT)
    factories.OrganizationFactory(name="Public Org")
    preview, html = get(editor_client, draft.get_absolute_url())
    assert preview.status_code == 200 and "Secret Draft Org" in html
    _r, staff_listing = get(editor_client, ORGS)
    assert "Secret Draft Org" in staff_listing

    assert reader.get(draft.get_absolute_url()).status_code == 404
    response, listing = get(reader, ORGS)
    assert response[page_cache.CACHE_HEADER] == "miss"
    assert "Secret Draft Org" not in listing


def test_requests_with_a_session_cookie_bypass_the_cache(reader):
    factories.OrganizationFactory()
    get(reader, ORGS)
    reader.cookies["sessionid"] = "not-a-real-session"
    response = reader.get(ORGS)
    assert page_cache.CACHE_HEADER not in response


def test_errors_redirects_posts_and_the_admin_are_not_cached(reader):
    assert reader.get("/organizations/no-such-org/").status_code == 404
    response = reader.get("/organizations/no-such-org/")
    assert response.status_code == 404 and page_cache.CACHE_HEADER not in response
    redirect = reader.get("/organizations")
    assert redirect.status_code == 301 and page_cache.CACHE_HEADER not in redirect
    login = reader.get(reverse("admin:login"))
    assert page_cache.CACHE_HEADER not in login
    assert page_cache.CACHE_HEADER not in reader.get("/healthz")


def test_responses_that_set_cookies_or_are_private_are_not_stored():
    from django.http import HttpResponse

    ok = HttpResponse("x")
    assert page_cache.response_is_cacheable(ok)
    with_cookie = HttpResponse("x")
    with_cookie.set_cookie("csrftoken", "abc")
    assert not page_cache.response_is_cacheable(with_cookie)
    private = HttpResponse("x", headers={"Cache-Control": "private"})
    assert not page_cache.response_is_cacheable(private)
    varies = HttpResponse("x", headers={"Vary": "Accept, Cookie"})
    assert not page_cache.response_is_cacheable(varies)
    assert page_cache.response_is_cacheable(HttpResponse("x", headers={"Vary": "Cookie"}))


# -- conditional GET and HEAD ---------------------------------------------------------


def test_if_none_match_gives_304_until_the_content_changes(reader):
    org = factories.OrganizationFactory(name="Etag Org")
    url = org.get_absolute_url()
    first = reader.get(url)
    etag = first["ETag"]
    assert etag and first["Last-Modified"]
    assert "max-age=0" in first["Cache-Control"]

    not_modified = reader.get(url, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == etag

    org.summary = "Changed."
    org.save()
    changed = reader.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "Changed." in changed.content.decode()


def test_if_modified_since_gives_304(reader):
    factories.OrganizationFactory()
    first = reader.get(ORGS)
    again = reader.get(ORGS, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304


def test_head_works_cached_or_not(reader):
    org = factories.OrganizationFactory(name="Head Org")
    url = org.get_absolute_url()
    head = reader.head(url)
    assert head.status_code == 200 and head.content == b""
    assert head[page_cache.CACHE_HEADER] == "miss"
    get_response = reader.get(url)
    assert get_response[page_cache.CACHE_HEADER] == "hit"  # the HEAD stored the page
    assert "Head Org" in get_response.content.decode()
    head_again = reader.head(url)
    assert head_again.status_code == 200 and head_again.content == b""
    assert head_again[page_cache.CACHE_HEADER] == "hit"
    assert int(head_again["Content-Length"]) == len(get_response.content)


def test_a_broken_cache_serves_pages_uncached(reader, monkeypatch):
    factories.OrganizationFactory(name="Resilient Org")

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    from django.core.cache import caches

    backend = caches["default"]  # the object itself, not the proxy
    monkeypatch.setattr(backend, "get_many", broken)
    monkeypatch.setattr(backend, "get_many_with_newest", broken, raising=False)
    response, html = get(reader, ORGS)
    assert response.status_code == 200 and "Resilient Org" in html
    assert page_cache.CACHE_HEADER not in response


def test_organization_model_signals_reach_the_cache():
    from django.core.cache import cache

    org = factories.OrganizationFactory()
    stamp = cache.get(f"{page_cache.STAMP_PREFIX}r:organizations.organization:{org.pk}")
    assert stamp is not None
    assert cache.get(f"{page_cache.STAMP_PREFIX}l:organizations.organization") is not None


def test_pages_are_sent_gzipped_to_browsers_that_accept_it(reader):
    factories.OrganizationFactory(name="Compressed Org", description="Words. " * 200)
    plain = reader.get(ORGS)
    zipped = reader.get(ORGS, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert zipped[page_cache.CACHE_HEADER] == "hit"
    assert zipped["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain
    assert gzip.decompress(zipped.content) == plain.content
    assert int(zipped["Content-Length"]) == len(zipped.content) < len(plain.content)
    assert "Accept-Encoding" in zipped["Vary"] and "Accept-Encoding" in plain["Vary"]
    # Each representation has its own validator.
    assert zipped["ETag"] != plain["ETag"]
    again = reader.get(ORGS, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=zipped["ETag"])
    assert again.status_code == 304
    refused = reader.get(ORGS, HTTP_ACCEPT_ENCODING="gzip;q=0, identity")
    assert "Content-Encoding" not in refused and refused.content == plain.content


def test_first_request_is_gzipped_too(reader):
    org = factories.OrganizationFactory(name="First Gzip Org", description="Text. " * 200)
    first = reader.get(org.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip")
    assert first[page_cache.CACHE_HEADER] == "miss"
    assert first["Content-Encoding"] == "gzip"
    assert "First Gzip Org" in gzip.decompress(first.content).decode()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip", True),
        ("deflate, gzip;q=1.0, br", True),
        ("*", True),
        ("gzip;q=0", False),
        ("identity", False),
        ("", False),
        ("br", False),
    ],
)
def test_accepts_gzip(rf, header, expected):
    request = rf.get("/", HTTP_ACCEPT_ENCODING=header)
    assert page_cache.accepts_gzip(request) is expected
