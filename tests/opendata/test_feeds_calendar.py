"""Filter-aware Atom feeds and the iCalendar feed of program dates."""

import datetime
from xml.etree import ElementTree

import pytest
from django.template import RequestContext, Template
from django.test import RequestFactory

from core.models import Status
from tests.factories import (
    FailureModeFactory,
    GuideFactory,
    OrganizationFactory,
    OrganizationTypeFactory,
    PaperFactory,
    ProgramFactory,
    ResearchAgendaFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
LISTINGS = {
    "organizations": OrganizationFactory,
    "roles": RoleFactory,
    "programs": ProgramFactory,
    "agendas": ResearchAgendaFactory,
    "papers": PaperFactory,
    "failure-modes": FailureModeFactory,
    "guides": GuideFactory,
}


def entries(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own output
    return root, root.findall(f"{ATOM}entry")


# --- Atom -----------------------------------------------------------------------


@pytest.mark.parametrize("listing", list(LISTINGS))
def test_every_listing_has_a_feed_of_published_records(client, listing):
    record = LISTINGS[listing](name="Live record")
    LISTINGS[listing](name="Draft record", status=Status.DRAFT)
    LISTINGS[listing](name="Future record", publish_at="2999-01-01T00:00:00Z")
    _root, items = entries(client.get(f"/{listing}/feed.atom"))
    assert [item.findtext(f"{ATOM}title") for item in items] == ["Live record"]
    link = items[0].find(f"{ATOM}link").get("href")
    assert link == f"http://testserver{record.get_absolute_url()}"


def test_feed_applies_the_listing_filters(client):
    institute = OrganizationTypeFactory(slug="government-institute", name="Government institute")
    OrganizationFactory(name="AISI", type=institute)
    OrganizationFactory(name="A lab")
    root, items = entries(client.get("/organizations/feed.atom?type=government-institute&page=2"))
    assert [item.findtext(f"{ATOM}title") for item in items] == ["AISI"]
    assert "government-institute" in root.findtext(f"{ATOM}title")
    alternate = [
        link.get("href") for link in root.findall(f"{ATOM}link") if link.get("rel") == "alternate"
    ]
    assert alternate == ["http://testserver/organizations/?type=government-institute"]


def test_feed_with_api_only_filters(client):
    role = RoleFactory(slug="research-engineer")
    hiring = OrganizationFactory(name="Hiring")
    role.hiring_organizations.add(hiring)
    OrganizationFactory(name="Not hiring")
    _root, items = entries(client.get("/organizations/feed.atom?role=research-engineer"))
    assert [item.findtext(f"{ATOM}title") for item in items] == ["Hiring"]


def test_feed_entry_ids_are_permanent_urls(client):
    org = OrganizationFactory(slug="old")
    _root, items = entries(client.get("/organizations/feed.atom"))
    first_id = items[0].findtext(f"{ATOM}id")
    assert first_id == f"http://testserver/r/organization/{org.pk}/"
    org.slug = "new"
    org.save()
    _root, items = entries(client.get("/organizations/feed.atom"))
    assert items[0].findtext(f"{ATOM}id") == first_id


def test_feed_is_newest_first_and_bounded(client):
    now = datetime.datetime.now(datetime.UTC)
    for days in range(60):
        PaperFactory(name=f"Paper {days:02}", publish_at=now - datetime.timedelta(days=days + 1))
    _root, items = entries(client.get("/papers/feed.atom"))
    assert len(items) == 50
    assert items[0].findtext(f"{ATOM}title") == "Paper 00"


def test_invalid_filters_and_unknown_listings(client):
    assert client.get("/organizations/feed.atom?status=nonsense").status_code == 400
    assert client.get("/nothing/feed.atom").status_code == 404


def test_feed_link_partial_keeps_the_filters():
    request = RequestFactory().get("/organizations/", {"type": "frontier-lab", "page": "2"})
    html = Template('{% load field_guide %}{% listing_feed_links "organizations" %}').render(
        RequestContext(request)
    )
    assert 'rel="alternate"' in html
    assert 'type="application/atom+xml"' in html
    assert 'href="/organizations/feed.atom?type=frontier-lab"' in html


def test_feed_link_partial_for_programs_adds_the_calendar():
    request = RequestFactory().get("/programs/")
    html = Template('{% load field_guide %}{% listing_feed_links "programs" %}').render(
        RequestContext(request)
    )
    assert 'href="/programs/feed.atom"' in html
    assert 'type="text/calendar" title="Program deadlines and cohorts (iCalendar)"' in html


def test_open_data_links_partial():
    request = RequestFactory().get("/papers/", {"level": "introductory"})
    html = Template('{% load field_guide %}{% open_data_links "papers" %}').render(
        RequestContext(request)
    )
    assert 'href="/papers/export.csv?level=introductory"' in html
    assert 'href="/papers/export.json?level=introductory"' in html
    assert 'href="/papers/feed.atom?level=introductory"' in html


# --- iCalendar --------------------------------------------------------------------


def unfold(body: str) -> list[str]:
    return body.replace("\r\n ", "").split("\r\n")


def test_calendar_lists_deadlines_and_cohorts(client):
    program = ProgramFactory(
        name="MATS, winter; cohort",
        summary="Line one\nline two, with \\ backslash",
        application_deadline=datetime.date(2026, 3, 1),
        next_cohort_start=datetime.date(2026, 6, 2),
    )
    ProgramFactory(application_deadline=datetime.date(2026, 4, 1), status=Status.DRAFT)
    ProgramFactory(application_deadline=None, next_cohort_start=None)

    response = client.get("/programs/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode("utf-8")
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert body.endswith("END:VCALENDAR\r\n")
    assert "\n" not in body.replace("\r\n", "")  # CRLF only

    lines = unfold(body)
    assert lines.count("BEGIN:VEVENT") == 2
    assert "DTSTART;VALUE=DATE:20260301" in lines
    assert "DTEND;VALUE=DATE:20260302" in lines
    assert "DTSTART;VALUE=DATE:20260602" in lines
    assert "SUMMARY:Application deadline: MATS\\, winter\\; cohort" in lines
    assert "SUMMARY:Cohort starts: MATS\\, winter\\; cohort" in lines
    description = next(line for line in lines if line.startswith("DESCRIPTION:"))
    assert description.startswith("DESCRIPTION:Line one\\nline two\\, with \\\\ backslash")
    uids = [line for line in lines if line.startswith("UID:")]
    assert uids == [
        f"UID:program-{program.pk}-deadline@testserver",
        f"UID:program-{program.pk}-cohort@testserver",
    ]
    assert sum(line.startswith("DTSTAMP:") for line in lines) == 2
    stamp = next(line for line in lines if line.startswith("DTSTAMP:"))
    assert stamp.endswith("Z") and len(stamp) == len("DTSTAMP:20260101T000000Z")


def test_calendar_uids_are_stable(client):
    ProgramFactory(application_deadline=datetime.date(2026, 3, 1))
    first = [
        line
        for line in unfold(client.get("/programs/calendar.ics").content.decode())
        if line.startswith(("UID", "DTSTAMP"))
    ]
    second = [
        line
        for line in unfold(client.get("/programs/calendar.ics").content.decode())
        if line.startswith(("UID", "DTSTAMP"))
    ]
    assert first == second


def test_calendar_lines_are_folded_at_75_octets(client):
    ProgramFactory(
        name="Ünïcödé " * 24,
        summary="é" * 200,
        application_deadline=datetime.date(2026, 3, 1),
    )
    body = client.get("/programs/calendar.ics").content
    for line in body.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # no multi-byte character is split
    assert "Application deadline: " + "Ünïcödé " * 24 in "".join(unfold(body.decode()))


def test_calendar_follows_program_filters(client):
    ProgramFactory(name="Online", format="online", application_deadline=datetime.date(2026, 1, 1))
    ProgramFactory(
        name="Offline", format="in-person", application_deadline=datetime.date(2026, 1, 2)
    )
    body = client.get("/programs/calendar.ics?format=online").content.decode()
    assert "Online" in body and "Offline" not in body
    assert client.get("/programs/calendar.ics?format=nonsense").status_code == 400


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a,b", "a\\,b"),
        ("a;b", "a\\;b"),
        ("a\\b", "a\\\\b"),
        ("a\nb", "a\\nb"),
        ("a\r\nb", "a\\nb"),
        ("a:b", "a:b"),
    ],
)
def test_text_values_are_escaped(client, raw, escaped):
    """RFC 5545 TEXT escaping of what editors type (commas, semicolons, backslashes, newlines)."""
    ProgramFactory(name=raw, application_deadline=datetime.date(2026, 3, 1))
    lines = unfold(client.get("/programs/calendar.ics").content.decode())
    assert f"SUMMARY:Application deadline: {escaped}" in lines


def test_calendar_parses_back_to_the_same_events(client):
    """A calendar app reading the feed gets each program date as written."""
    from icalendar import Calendar

    program = ProgramFactory(
        name="Ünïcödé, fellowship; " * 5,
        summary="Line one\nline two",
        application_deadline=datetime.date(2026, 3, 1),
        next_cohort_start=datetime.date(2026, 6, 2),
    )
    calendar = Calendar.from_ical(client.get("/programs/calendar.ics").content)
    events = {str(event["uid"]): event for event in calendar.walk("VEVENT")}
    deadline = events[f"program-{program.pk}-deadline@testserver"]
    assert str(deadline["summary"]) == f"Application deadline: {program.name}"
    assert deadline.decoded("dtstart") == datetime.date(2026, 3, 1)
    assert deadline.decoded("dtend") == datetime.date(2026, 3, 2)
    assert str(deadline["description"]).startswith("Line one\nline two")
    cohort = events[f"program-{program.pk}-cohort@testserver"]
    assert cohort.decoded("dtstart") == datetime.date(2026, 6, 2)
    assert str(calendar["x-wr-calname"]).endswith("program deadlines and cohorts")
