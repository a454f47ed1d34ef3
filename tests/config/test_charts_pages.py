"""The pictures on the reader pages: each SVG and its table hold the same numbers.

Roles' salary ranges (role listing, role page), program dates over the next
twelve months (program listing) and organizations by type and by country
(organization listing, following the filters). No inline style or script.
"""

import datetime

import pytest
from django.utils import timezone

from tests.careers.factories import ProgramFactory, RoleFactory
from tests.chartdata import charts_in
from tests.organizations.factories import OrganizationFactory, OrganizationTypeFactory

pytestmark = pytest.mark.django_db


def chart(html, name):
    found = [f for f in charts_in(html) if f.chart == name]
    assert len(found) == 1, [f.chart for f in charts_in(html)]
    return found[0]


def assert_accessible_and_csp_safe(figure, html):
    assert figure.has_title and figure.has_desc
    assert figure.svg_attrs.get("role") == "img"
    assert figure.svg_attrs.get("aria-labelledby")
    assert " style=" not in html and "<style" not in html


def test_role_listing_draws_each_salary_range_and_tables_the_same_figures(client):
    RoleFactory(name="Alpha role", salary_min=105_000, salary_max=195_000)
    RoleFactory(name="Beta role", salary_min=150_000, salary_max=500_000)
    RoleFactory(name="Gamma role", salary_min=None, salary_max=None)
    html = client.get("/roles/").content.decode()
    figure = chart(html, "salary-usd")
    assert_accessible_and_csp_safe(figure, html)
    svg = [(r["label"], r["low"], r["high"]) for r in figure.svg_rows]
    assert svg == [("Alpha role", "105000", "195000"), ("Beta role", "150000", "500000")]
    pairs = zip(figure.table_labels, figure.table_rows, strict=True)
    table = [(label, *values) for label, values in pairs]
    assert table == svg
    assert "Alpha role: $105,000–$195,000" in html  # the bar's own title
    assert "1 more list no salary" in html


def test_ranges_in_different_currencies_are_separate_charts(client):
    RoleFactory(name="Dollar role", salary_min=100_000, salary_max=150_000, salary_currency="USD")
    RoleFactory(name="Pound role", salary_min=60_000, salary_max=90_000, salary_currency="GBP")
    html = client.get("/roles/").content.decode()
    assert [r["label"] for r in chart(html, "salary-usd").svg_rows] == ["Dollar role"]
    assert [r["label"] for r in chart(html, "salary-gbp").svg_rows] == ["Pound role"]


def test_role_page_shows_its_range_against_related_roles(client):
    role = RoleFactory(name="Main role", salary_min=120_000, salary_max=180_000)
    other = RoleFactory(name="Neighbour role", salary_min=90_000, salary_max=140_000)
    role.related_roles.add(other)
    html = client.get(role.get_absolute_url()).content.decode()
    figure = chart(html, "salary-usd")
    assert_accessible_and_csp_safe(figure, html)
    assert {r["label"]: (r["low"], r["high"]) for r in figure.svg_rows} == {
        "Main role": ("120000", "180000"),
        "Neighbour role": ("90000", "140000"),
    }
    assert figure.table_rows == [[r["low"], r["high"]] for r in figure.svg_rows]
    assert figure.links == []  # one picture (role=img): the links are in its table
    table = html[html.index('class="chart-data"') :]
    assert f'href="{other.get_absolute_url()}"' in table
    assert f'href="{role.get_absolute_url()}"' not in table  # this page's own row is not a link
    assert 'href="#salary-title"' in html


def test_role_page_without_a_salary_has_no_chart(client):
    role = RoleFactory(salary_min=None, salary_max=None)
    html = client.get(role.get_absolute_url()).content.decode()
    assert charts_in(html) == []
    assert 'href="#salary-title"' not in html


def test_program_listing_draws_the_dates_of_the_next_twelve_months(client):
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=30)
    later = today + datetime.timedelta(days=200)
    ProgramFactory(name="Soon program", application_deadline=soon, next_cohort_start=later)
    ProgramFactory(name="Past program", application_deadline=today - datetime.timedelta(days=3))
    ProgramFactory(name="Undated program")
    html = client.get("/programs/").content.decode()
    figure = chart(html, "timeline")
    assert_accessible_and_csp_safe(figure, html)
    assert [r["label"] for r in figure.svg_rows] == ["Soon program"]
    svg_dates = [(m["kind"], m["date"]) for m in figure.markers]
    assert svg_dates == [("deadline", soon.isoformat()), ("start", later.isoformat())]
    assert [row[0] for row in figure.table_rows] == [soon.isoformat(), later.isoformat()]


def test_program_listing_says_so_when_no_date_is_known(client):
    ProgramFactory(name="Undated program")
    html = client.get("/programs/").content.decode()
    assert "No application deadline or cohort start in the next twelve months" in html


def test_organizations_by_type_and_country_follow_the_filters(client):
    lab = OrganizationTypeFactory(slug="lab", name="Labs")
    uni = OrganizationTypeFactory(slug="uni", name="Universities")
    OrganizationFactory.create_batch(3, type=lab, country="US")
    OrganizationFactory.create_batch(2, type=uni, country="US")
    OrganizationFactory(type=uni, country="GB")
    html = client.get("/organizations/").content.decode()
    by_type = chart(html, "organizations-by-type")
    assert_accessible_and_csp_safe(by_type, html)
    counts = {r["label"]: int(r["count"]) for r in by_type.svg_rows}
    assert counts == {lab.label: 3, uni.label: 3}
    assert [int(v[0]) for v in by_type.table_rows] == [int(r["count"]) for r in by_type.svg_rows]
    by_country = chart(html, "organizations-by-country")
    assert {r["label"]: int(r["count"]) for r in by_country.svg_rows} == {
        "United States of America": 5,
        "United Kingdom": 1,
    }

    filtered = client.get("/organizations/", {"country": "GB"}).content.decode()
    counts = {
        r["label"]: int(r["count"]) for r in chart(filtered, "organizations-by-type").svg_rows
    }
    assert counts == {uni.label: 1}
    # Each row of the table links to the listing filtered (or unfiltered) by that value.
    table = filtered[filtered.index('class="chart-data"') :]
    assert 'href="/organizations/?country=GB&amp;type=uni"' in table
