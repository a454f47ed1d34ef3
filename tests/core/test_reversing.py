"""core.reversing: record URLs joined from halves reversed once, equal to reverse()."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from core.reversing import TOPIC_SLUG, slug_url, view_url
from tests.factories import OrganizationFactory, RoleFactory

DETAIL_NAMES = [
    "careers:role_detail",
    "careers:program_detail",
    "careers:background_detail",
    "guides:agenda_detail",
    "guides:paper_detail",
    "guides:failuremode_detail",
    "guides:guide_detail",
    "guides:crux_detail",
    "organizations:organization_detail",
]


@pytest.fixture
def script_prefix():
    yield set_script_prefix
    set_script_prefix("/")


@pytest.mark.parametrize("name", DETAIL_NAMES)
@pytest.mark.parametrize("slug", ["a", "red-team-lead", "x_1-2", "UPPER-case9"])
def test_slug_url_is_what_reverse_gives(name, slug):
    assert slug_url(name, slug) == reverse(name, kwargs={"slug": slug})
    # The second call uses the stored halves and gives the same.
    assert slug_url(name, slug) == reverse(name, kwargs={"slug": slug})


@pytest.mark.parametrize("slug", ["safety", "sécurité", "安全", "a_b-9"])
def test_topic_urls_are_quoted_as_reverse_quotes_them(slug):
    expected = reverse("core:tag_detail", kwargs={"slug": slug})
    assert slug_url("core:tag_detail", slug, converter=TOPIC_SLUG) == expected
    assert slug_url("core:tag_detail", slug, converter=TOPIC_SLUG) == expected


def test_slug_url_follows_the_script_prefix(script_prefix):
    assert slug_url("careers:role_detail", "analyst") == "/roles/analyst/"
    script_prefix("/field-guide/")
    assert slug_url("careers:role_detail", "analyst") == "/field-guide/roles/analyst/"
    assert view_url("careers:role_list") == "/field-guide/roles/"
    script_prefix("/")
    assert slug_url("careers:role_detail", "analyst") == "/roles/analyst/"
    assert view_url("careers:role_list") == "/roles/"


@pytest.mark.parametrize("slug", ["", "two words", "café", "a/b"])
def test_a_value_the_slug_converter_refuses_fails_as_reverse_does(slug):
    with pytest.raises(NoReverseMatch):
        reverse("careers:role_detail", kwargs={"slug": slug})
    with pytest.raises(NoReverseMatch):
        slug_url("careers:role_detail", slug)


def test_an_unknown_name_fails_as_reverse_does():
    with pytest.raises(NoReverseMatch):
        slug_url("careers:no_such_view", "analyst")
    with pytest.raises(NoReverseMatch):
        view_url("careers:no_such_view")


def test_a_changed_url_configuration_gets_its_own_urls(settings):
    original = settings.ROOT_URLCONF
    assert slug_url("careers:role_detail", "analyst") == "/roles/analyst/"
    # (pytest-django's ``settings`` sends setting_changed: Django clears its URL caches.)
    settings.ROOT_URLCONF = "tests.core.urls_mounted"
    assert slug_url("careers:role_detail", "analyst") == "/mounted/roles/analyst/"
    assert view_url("careers:role_list") == "/mounted/roles/"
    settings.ROOT_URLCONF = original
    assert slug_url("careers:role_detail", "analyst") == "/roles/analyst/"


@pytest.mark.django_db
def test_records_link_to_their_pages():
    role = RoleFactory()
    organization = OrganizationFactory()
    assert role.get_absolute_url() == reverse("careers:role_detail", args=[role.slug])
    assert organization.get_absolute_url() == reverse(
        "organizations:organization_detail", args=[organization.slug]
    )
    assert organization.type.get_absolute_url() == (
        reverse("organizations:organization_list") + f"?type={organization.type.slug}"
    )
