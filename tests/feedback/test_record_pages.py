"""The three forms on every record page, and the page cache with them on.

Every registered record type — the test-only Gadget too — gets the forms,
their "which part" choices come from its model, and the page stays the same
for every reader: no CSRF token, no cookie, so the page cache keeps serving it.
"""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core import cache as page_cache
from core import hooks, registry
from core.models import Status
from feedback import record_pages
from feedback.parts import parts_for
from tests.feedback.helpers import form_url, published

pytestmark = pytest.mark.django_db

KINDS = ("useful", "outdated", "suggestion")


def feedback_section(html: str) -> str:
    match = re.search(r'<section class="feedback".*?</section>', html, re.S)
    assert match, "no feedback section on the page"
    return match.group(0)


@pytest.mark.parametrize("slug", registry.slugs())
def test_every_record_type_gets_the_three_forms(client, slug):
    record_type = registry.get(slug)
    record = published(record_type)
    response = Client().get(record.get_absolute_url())
    assert response.status_code == 200
    section = feedback_section(response.content.decode())
    for kind in KINDS:
        assert f'action="{form_url(record, kind)}"' in section
    assert section.count('method="post"') == 3
    assert "Was this page useful?" in section
    assert "Report something outdated or wrong" in section
    assert "Suggest an edit" in section
    # "Which part of the page" offers the type's own parts, read from its model.
    for part in parts_for(record_type.model):
        assert f'<option value="{part.name}">' in section
    # The same page for every reader: no token, nothing personal.
    assert "csrfmiddlewaretoken" not in section


def test_gadget_parts_come_from_its_model():
    names = [part.name for part in parts_for(registry.model("gadget"))]
    assert names[:3] == ["name", "summary", "body"]
    assert "organizations" in names and "parts" in names  # links and child rows
    assert not {"slug", "status", "publish_at", "last_reviewed"} & set(names)


def test_staff_previews_of_drafts_have_no_forms(editor_client):
    record = published(registry.get("organization"), status=Status.DRAFT)
    html = editor_client.get(record.get_absolute_url()).content.decode()
    assert "preview-banner" in html
    assert '<section class="feedback"' not in html


def test_the_forms_cost_no_queries(client):
    """The detail page runs the same queries with and without the feedback section."""
    record = published(registry.get("paper"))
    url = record.get_absolute_url()
    reader = Client()
    reader.get(url)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = reader.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    with_forms, html = count()
    assert '<section class="feedback"' in html
    hooks.unregister("record_page_context", record_pages.feedback_context)
    hooks.unregister("record_page_sections", record_pages.feedback_sections)
    try:
        without_forms, html = count()
    finally:
        hooks.register("record_page_context", record_pages.feedback_context)
        hooks.register("record_page_sections", record_pages.feedback_sections)
    assert '<section class="feedback"' not in html
    assert with_forms == without_forms


def test_pages_with_the_forms_stay_in_the_page_cache(settings):
    settings.PAGE_CACHE_ENABLED = True
    record = published(registry.get("organization"))
    reader = Client(enforce_csrf_checks=True)
    first = reader.get(record.get_absolute_url())
    assert first[page_cache.CACHE_HEADER] == "miss"
    assert not first.cookies, "a record page must not set a cookie (it would not be cached)"
    second = reader.get(record.get_absolute_url())
    assert second[page_cache.CACHE_HEADER] == "hit"
    assert 'action="/feedback/' in second.content.decode()
    # A reader who has fetched a token (a CSRF cookie) still gets the cached page.
    token = reader.get("/feedback/token/")
    assert token.status_code == 200 and "csrftoken" in token.cookies
    third = reader.get(record.get_absolute_url())
    assert third[page_cache.CACHE_HEADER] == "hit"
    assert third.content == second.content


def test_the_token_endpoint_is_never_cached_and_sets_the_cookie(settings):
    settings.PAGE_CACHE_ENABLED = True
    reader = Client()
    first = reader.get("/feedback/token/")
    second = Client().get("/feedback/token/")
    for response in (first, second):
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert page_cache.CACHE_HEADER not in response
        assert response.json()["token"]
        assert response.cookies["csrftoken"].value
    # Two readers, two secrets: no token is ever shared through a cache.
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    assert Client().post("/feedback/token/").status_code == 405


def test_the_form_page_carries_a_token_and_is_not_cached(settings):
    settings.PAGE_CACHE_ENABLED = True
    record = published(registry.get("role"))
    response = Client().get(form_url(record, "suggestion"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    assert "no-store" in response["Cache-Control"]
    assert page_cache.CACHE_HEADER not in response
    assert '<meta name="robots" content="noindex">' in html


def test_the_forms_fields_are_rendered_once_per_record_type():
    """Rendering the fields through Django's form templates on every view would cost
    more than the rest of the page; they are the same on every record of a type."""
    record_type = registry.get("guide")
    first, second = published(record_type), published(record_type)
    reader = Client()
    reader.get(first.get_absolute_url())
    before = record_pages._rendered_fields.cache_info()
    html = reader.get(second.get_absolute_url()).content.decode()
    after = record_pages._rendered_fields.cache_info()
    assert after.hits == before.hits + 3 and after.misses == before.misses
    # The record's own values are still the record's.
    assert f'action="{form_url(second, "suggestion")}"' in html
    assert f'value="guide:{second.pk}|' in html
