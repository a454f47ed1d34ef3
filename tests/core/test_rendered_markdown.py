"""Markdown is rendered once, when a row is written, and the pages read the stored HTML."""

from unittest import mock

import pytest
from django.apps import apps as django_apps
from django.test import Client

from core import fields as core_fields
from core.markdown import render_markdown
from opendata import transfer
from organizations.models import Organization
from tests import factories

pytestmark = pytest.mark.django_db

HOSTILE = "Hello <script>alert(1)</script> **bold** [x](javascript:alert(1)) [MATS](program:mats)"


def test_save_stores_the_sanitized_html():
    org = factories.OrganizationFactory(description=HOSTILE)
    org.refresh_from_db()
    html = str(org.description_html)
    assert html == str(render_markdown(HOSTILE))
    assert "<strong>bold</strong>" in html
    assert "<script" not in html and 'href="javascript' not in html
    assert 'href="/programs/mats/"' in html  # record links resolved when stored
    org.description = "Now *different*."
    org.save()
    org.refresh_from_db()
    assert str(org.description_html) == "<p>Now <em>different</em>.</p>\n"


def test_child_rows_and_bulk_create_store_it_too():
    faq = factories.RoleFAQFactory(answer="An **answer**.")
    faq.refresh_from_db()
    assert "<strong>answer</strong>" in faq.answer_html
    org_type = factories.OrganizationTypeFactory()
    Organization.objects.bulk_create(
        [Organization(name="Bulk", slug="bulk", type=org_type, description="*bulk*")]
    )
    assert Organization.objects.get(slug="bulk").description_html == "<p><em>bulk</em></p>\n"


def test_the_page_shows_the_stored_html_and_renders_no_markdown():
    org = factories.OrganizationFactory(description="Stored **text**.")
    # What the page shows comes from the column, not from the Markdown.
    Organization.objects.filter(pk=org.pk).update(description_html="<p>FROM-THE-COLUMN</p>")
    with mock.patch("core.markdown._parser", side_effect=AssertionError("parsed per request")):
        response = Client().get(org.get_absolute_url())
    assert response.status_code == 200
    assert "<p>FROM-THE-COLUMN</p>" in response.content.decode()


def test_the_migration_fills_existing_rows():
    org = factories.OrganizationFactory(description="Old *row*.")
    Organization.objects.filter(pk=org.pk).update(description_html="")
    core_fields.fill_rendered_markdown("organizations", ["organization"])(django_apps, None)
    org.refresh_from_db()
    assert org.description_html == "<p>Old <em>row</em>.</p>\n"


def test_refresh_rendered_markdown_repairs_rows_written_without_save():
    org = factories.OrganizationFactory(description="x")
    Organization.objects.filter(pk=org.pk).update(description="*y*")
    assert core_fields.refresh_rendered_markdown(Organization) == 1
    org.refresh_from_db()
    assert org.description_html == "<p><em>y</em></p>\n"
    assert core_fields.refresh_rendered_markdown(Organization) == 0  # nothing left to do


def test_the_html_is_derived_not_content():
    history = Organization.history.model
    assert not any(f.name.endswith("_html") for f in history._meta.fields)
    assert "description_html" not in {f.name for f in transfer._scalar_fields(Organization)}
    assert not Organization._meta.get_field("description_html").editable
