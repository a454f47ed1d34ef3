"""Addresses that last: /r/<type>/<pk>/, old slugs (301) and "cite this page"."""

import datetime

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings
from django.urls import include, path
from django.views.generic import DetailView

from core.models import Status
from core.views import SlugHistoryRedirectMixin
from opendata.permalinks import CitationMixin, bibtex_escape, citation_for
from organizations.models import Organization
from tests.factories import (
    FailureModeFactory,
    GuideFactory,
    OrganizationFactory,
    PaperFactory,
    ProgramFactory,
    ResearchAgendaFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db

FACTORIES = {
    "organization": OrganizationFactory,
    "role": RoleFactory,
    "program": ProgramFactory,
    "agenda": ResearchAgendaFactory,
    "paper": PaperFactory,
    "failure-mode": FailureModeFactory,
    "guide": GuideFactory,
}


# A tiny detail view using the mixins, as the real detail views will.
class OrganizationView(SlugHistoryRedirectMixin, CitationMixin, DetailView):
    def get_queryset(self):
        return Organization.objects.visible_to(self.request.user)

    def render_to_response(self, context, **response_kwargs):
        return HttpResponse(f"{self.object.slug}|{context['citation'].permalink}")


urlpatterns = [
    path("", include(settings.ROOT_URLCONF)),
    path("test-orgs/<slug:slug>/", OrganizationView.as_view(), name="test_org"),
]


# --- permanent URLs -----------------------------------------------------------------


@pytest.mark.parametrize("record_type", list(FACTORIES))
def test_permalink_redirects_to_the_current_page(client, record_type):
    record = FACTORIES[record_type]()
    response = client.get(f"/r/{record_type}/{record.pk}/")
    assert response.status_code == 301
    assert response["Location"] == record.get_absolute_url()


def test_permalink_survives_a_slug_change(client):
    org = OrganizationFactory(slug="old-name")
    org.slug = "new-name"
    org.save()
    response = client.get(f"/r/organization/{org.pk}/")
    assert response.status_code == 301
    assert response["Location"] == "/organizations/new-name/"


def test_permalink_of_unpublished_or_missing_records_is_404(client, editor_client):
    draft = OrganizationFactory(status=Status.DRAFT)
    future = OrganizationFactory(publish_at="2999-01-01T00:00:00Z")
    assert client.get(f"/r/organization/{draft.pk}/").status_code == 404
    assert client.get(f"/r/organization/{future.pk}/").status_code == 404
    assert client.get("/r/organization/999999/").status_code == 404
    assert client.get("/r/nothing/1/").status_code == 404
    # Permanent URLs are for readers: staff get no draft redirect either.
    assert editor_client.get(f"/r/organization/{draft.pk}/").status_code == 404


# --- old slugs --------------------------------------------------------------------


@pytest.mark.urls("tests.opendata.test_permalinks")
def test_old_slug_redirects_permanently(client):
    org = OrganizationFactory(slug="first")
    org.slug = "second"
    org.save()
    org.slug = "third"
    org.save()
    assert client.get("/test-orgs/third/").status_code == 200
    for old in ("first", "second"):
        response = client.get(f"/test-orgs/{old}/?x=1")
        assert response.status_code == 301
        assert response["Location"] == "/organizations/third/?x=1"


@pytest.mark.urls("tests.opendata.test_permalinks")
def test_unknown_slug_is_still_404(client):
    assert client.get("/test-orgs/never-existed/").status_code == 404


@pytest.mark.urls("tests.opendata.test_permalinks")
def test_old_slug_of_an_unpublished_record_is_404(client):
    org = OrganizationFactory(slug="was-public")
    org.slug = "now-draft"
    org.status = Status.DRAFT
    org.save()
    assert client.get("/test-orgs/was-public/").status_code == 404


@pytest.mark.urls("tests.opendata.test_permalinks")
def test_slug_taken_over_by_another_record_is_served_not_redirected(client):
    first = OrganizationFactory(slug="shared")
    first.slug = "first-renamed"
    first.save()
    OrganizationFactory(slug="shared")
    response = client.get("/test-orgs/shared/")
    assert response.status_code == 200
    assert response.content.startswith(b"shared|")


@pytest.mark.urls("tests.opendata.test_permalinks")
def test_deleted_record_old_slug_is_404(client):
    org = OrganizationFactory(slug="gone")
    org.slug = "gone-2"
    org.save()
    org.delete()
    assert client.get("/test-orgs/gone/").status_code == 404


@pytest.mark.urls("tests.opendata.test_permalinks")
def test_newest_owner_of_an_old_slug_wins(client):
    a = OrganizationFactory(slug="hot")
    a.slug = "a-now"
    a.save()
    b = OrganizationFactory(slug="hot")
    b.slug = "b-now"
    b.save()
    assert client.get("/test-orgs/hot/")["Location"] == "/organizations/b-now/"


@pytest.mark.urls("tests.opendata.test_permalinks")
def test_old_slug_redirect_is_three_queries(client, django_assert_max_num_queries):
    org = OrganizationFactory(slug="before")
    org.slug = "after"
    org.save()
    # Lookup by slug (miss), history lookup, current record.
    with django_assert_max_num_queries(3):
        assert client.get("/test-orgs/before/").status_code == 301


# --- citation -----------------------------------------------------------------------


@override_settings(SITE_URL="https://fieldguide.example")
def test_citation():
    org = OrganizationFactory(name="FAR.AI", slug="far-ai")
    Organization.objects.filter(pk=org.pk).update(
        updated=datetime.datetime(2026, 3, 4, 12, tzinfo=datetime.UTC)
    )
    org.refresh_from_db()
    request = RequestFactory().get("/organizations/far-ai/")
    citation = citation_for(request, org)
    assert citation.url == "https://fieldguide.example/organizations/far-ai/"
    assert citation.permalink == f"https://fieldguide.example/r/organization/{org.pk}/"
    assert citation.updated == datetime.date(2026, 3, 4)
    assert citation.text.startswith(
        "AI Safety Field Guide. (2026, March 4). FAR.AI [organization]."
    )
    assert citation.text.endswith(f"from https://fieldguide.example/r/organization/{org.pk}/")
    assert citation.bibtex.startswith(f"@misc{{fieldguide-organization-{org.pk},")
    assert "title        = {{FAR.AI}}" in citation.bibtex
    assert "year         = {2026}" in citation.bibtex
    assert "Last updated 2026-03-04" in citation.bibtex


def test_bibtex_escaping():
    assert bibtex_escape("50% of R&D_x {y} #1 $ ~ ^ \\") == (
        r"50\% of R\&D\_x \{y\} \#1 \$ \~{} \^{} \textbackslash{}"
    )


def test_cite_partial_escapes_and_links():
    org = OrganizationFactory(name="<script>alert(1)</script>")
    request = RequestFactory().get("/")
    html = render_to_string("partials/cite.html", {"citation": citation_for(request, org)})
    assert "<script>" not in html
    assert '<h2 id="cite-title">Cite this page</h2>' in html
    assert f'href="http://testserver/r/organization/{org.pk}/" rel="bookmark"' in html
    assert "<pre><code>@misc{" in html
    assert render_to_string("partials/cite.html", {}).strip() == ""


@pytest.mark.urls("tests.opendata.test_permalinks")
def test_citation_mixin_puts_citation_in_the_context(client):
    org = OrganizationFactory(slug="cited")
    response = client.get("/test-orgs/cited/")
    assert response.content.decode() == f"cited|http://testserver/r/organization/{org.pk}/"
