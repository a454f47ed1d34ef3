"""The record-type registry: one ``register(...)`` puts a type everywhere.

``tests/registry_app`` defines a record type (``Gadget``) only for the tests: a
model, one ``register`` call in its ``AppConfig.ready()``, its admin and its
templates. No other app names it, yet it shows up in navigation, the home
page, search, the sitemap, the API, exports, feeds, permanent URLs, the review
dashboard, "What links here" and whole-site export.
"""

import csv
import io
import json

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from core import registry
from core.registry import RecordType, RegistryError
from tests.factories import OrganizationFactory
from tests.registry_app.models import Gadget, GadgetPart

pytestmark = pytest.mark.django_db


@pytest.fixture
def gadget():
    from django.utils import timezone

    org = OrganizationFactory(slug="acme", name="Acme Labs")
    gadget = Gadget.objects.create(
        name="Flux capacitor",
        slug="flux-capacitor",
        summary="Makes time travel possible.",
        body="Built with help from [Acme](org:acme); see also **sprockets**.",
        status="published",
        publish_at=timezone.now() - timezone.timedelta(days=1),
    )
    gadget.organizations.add(org)
    GadgetPart.objects.create(gadget=gadget, name="Gigawatt coil", order=1)
    return gadget


def test_the_type_is_registered_with_facts_read_from_its_model():
    record_type = registry.get("gadget")
    assert record_type.model is Gadget
    assert registry.for_model(Gadget) is record_type
    assert registry.for_listing("gadgets") is record_type
    assert registry.for_prefix("gadget") is record_type
    assert registry.markdown_fields(Gadget) == ["body"]
    assert [child for _accessor, child, _fk in registry.child_relations(Gadget)] == [GadgetPart]
    assert registry.parent_of(GadgetPart) == (record_type, "gadget")
    assert ("gadgets", Gadget) in registry.transfer_models()
    assert Gadget in registry.watched_models() and GadgetPart in registry.watched_models()


def test_names_must_be_unique():
    taken = registry.get("role")
    with pytest.raises(RegistryError):
        registry.register(
            RecordType(model=Gadget, slug="role", listing="x", detail_url_name="", list_url_name="")
        )
    with pytest.raises(RegistryError):
        registry.register(
            RecordType(
                model=taken.model, slug="another", listing="x", detail_url_name="", list_url_name=""
            )
        )
    assert registry.get("role") is taken


def test_navigation_and_home_page(client, gadget):
    html = client.get("/").content.decode()
    assert 'href="/gadgets/">Gadgets</a>' in html  # main navigation
    assert "Made-up records that prove the registry." in html  # home page section
    assert client.get("/gadgets/").status_code == 200
    page = client.get(gadget.get_absolute_url())
    assert page.status_code == 200
    assert "Gigawatt coil" in page.content.decode()
    assert page.context["citation"].permalink.endswith(f"/r/gadget/{gadget.pk}/")


def test_search_finds_it_by_its_markdown_and_child_rows(client, gadget):
    for word in ("sprockets", "gigawatt"):
        response = client.get(reverse("search:search"), {"q": word})
        assert [hit.title for hit in response.context["hits"]] == ["Flux capacitor"]
    response = client.get(reverse("search:search"), {"q": "sprockets", "type": "gadget"})
    assert response.context["record_type"] == "gadget"
    assert "Gadgets" in [option.label for option in response.context["type_facet"].options]


def test_sitemap_lists_the_listing_and_the_record(client, gadget):
    body = client.get("/sitemap.xml").content.decode()
    assert "http://testserver/gadgets/</loc>" in body
    assert f"http://testserver{gadget.get_absolute_url()}</loc>" in body


def test_api_exports_feed_and_permalink(client, gadget):
    listing = client.get("/api/v1/gadgets/").json()
    assert [row["slug"] for row in listing["results"]] == ["flux-capacitor"]
    detail = client.get("/api/v1/gadgets/flux-capacitor/").json()
    assert detail["permalink"] == f"http://testserver/r/gadget/{gadget.pk}/"
    assert "gadgets" in client.get("/api/schema.json").json()["paths"].__str__()
    rows = list(
        csv.DictReader(io.StringIO(client.get("/gadgets/export.csv").content.decode("utf-8-sig")))
    )
    assert [row["name"] for row in rows] == ["Flux capacitor"]
    assert json.loads(client.get("/gadgets/export.json").content)[0]["slug"] == "flux-capacitor"
    assert b"Flux capacitor" in client.get("/gadgets/feed.atom").content
    permalink = client.get(f"/r/gadget/{gadget.pk}/")
    assert permalink.status_code == 301 and permalink["Location"] == gadget.get_absolute_url()


def test_what_links_here_both_ways(client, gadget):
    org = gadget.organizations.get()
    # The gadget links to the organization (a relation and a Markdown link)…
    org_page = client.get(org.get_absolute_url())
    assert [r.name for r in org_page.context["backlinks"]["Gadgets"]] == ["Flux capacitor"]
    # …and a Markdown link from an organization shows on the gadget's page.
    OrganizationFactory(name="Mentions", description="Uses the [capacitor](gadget:flux-capacitor).")
    gadget_page = client.get(gadget.get_absolute_url())
    assert [r.name for r in gadget_page.context["backlinks"]["Organizations"]] == ["Mentions"]


def test_review_dashboard_and_editors_group(editor_client, gadget):
    assert (
        Group.objects.get(name="Editors")
        .permissions.filter(content_type__app_label="registry_app", codename="change_gadget")
        .exists()
    )
    response = editor_client.get(reverse("admin:editorial_review"))
    assert "Gadgets" in [section["label"] for section in response.context["sections"]]


def test_whole_site_export_and_import_carry_it(gadget):
    from opendata import transfer

    document = transfer.export_content()
    assert [row["slug"] for row in document["gadgets"]] == ["flux-capacitor"]
    assert document["gadgets"][0]["parts"][0]["name"] == "Gigawatt coil"
    Gadget.objects.all().delete()
    transfer.import_content(document)
    assert Gadget.objects.get(slug="flux-capacitor").parts.get().name == "Gigawatt coil"


def test_rebuild_command_covers_it(gadget):
    from search.models import SearchEntry

    SearchEntry.objects.all().delete()
    call_command("rebuild_search_index", verbosity=0)
    assert SearchEntry.objects.filter(record_type="gadget", object_id=gadget.pk).exists()
