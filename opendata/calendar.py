"""iCalendar feed of program application deadlines and cohort starts.

``/programs/calendar.ics`` lists one all-day event per published program date
(application deadline, next cohort start), filtered like the programs listing
(``/programs/calendar.ics?format=online``). The document is written by the
`icalendar <https://icalendar.readthedocs.io/>`_ package, which follows RFC 5545
(CRLF line endings, lines folded at 75 octets without splitting a character,
TEXT values escaped); every event has a ``DTSTAMP`` and a ``UID`` that stays
the same for the same program date, so calendar apps update events in place.
"""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from icalendar import Calendar, Event, vDuration, vText

from core import registry
from core.seo import absolute_url

from .exports import filtered_records

PRODID = "-//AI Safety Field Guide//Program dates//EN"
# How often calendar apps should fetch the feed again.
REFRESH = datetime.timedelta(hours=12)
EVENT_TITLES = {"deadline": "Application deadline: {name}", "cohort": "Cohort starts: {name}"}
EVENT_CATEGORIES = {"deadline": "Application deadline", "cohort": "Cohort start"}


def uid_domain(request) -> str:
    site = settings.SITE_URL or (request.build_absolute_uri("/") if request else "")
    return urlsplit(site).hostname or "fieldguide.invalid"


def program_events(programs):
    """``[(program, kind, date), ...]`` sorted by date — kind is "deadline" or "cohort"."""
    events = []
    for program in programs:
        if program.application_deadline:
            events.append((program, "deadline", program.application_deadline))
        if program.next_cohort_start:
            events.append((program, "cohort", program.next_cohort_start))
    events.sort(key=lambda event: (event[2], event[0].name, event[1]))
    return events


def _utc(value: datetime.datetime) -> datetime.datetime:
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value.astimezone(datetime.UTC)


def build_calendar(request, programs, *, name: str) -> bytes:
    """The iCalendar document (bytes) for these programs' dates."""
    domain = uid_domain(request)
    slug = registry.get("program").slug
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", vText(name))
    calendar.add("x-wr-calname", vText(name))
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    for program, kind, date in program_events(programs):
        url = absolute_url(request, program.get_absolute_url())
        description = program.summary or ""
        if program.website:
            description = f"{description}\n\nProgram website: {program.website}".strip()
        description = f"{description}\n\n{url}".strip()
        event = Event()
        event.add("uid", f"{slug}-{program.pk}-{kind}@{domain}")
        # When this version of the event was made: the program's last save.
        event.add("dtstamp", _utc(program.updated))
        event.add("last-modified", _utc(program.updated))
        event.add("dtstart", date)
        event.add("dtend", date + datetime.timedelta(days=1))
        event.add("summary", EVENT_TITLES[kind].format(name=program.name))
        event.add("description", description)
        event.add("url", url, parameters={"VALUE": "URI"})
        event.add("categories", [EVENT_CATEGORIES[kind]])
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()


def program_calendar(request):
    """``/programs/calendar.ics``: deadlines and cohort starts of published programs."""
    record_type = registry.get("program")
    _filterset, queryset = filtered_records(request, record_type)
    if queryset is None:
        return HttpResponseBadRequest(
            "These filters are not valid.", content_type="text/plain; charset=utf-8"
        )
    programs = queryset.filter(
        Q(application_deadline__isnull=False) | Q(next_cohort_start__isnull=False)
    ).order_by()
    body = build_calendar(
        request, programs, name=f"{settings.SITE_NAME}: program deadlines and cohorts"
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="programs.ics"'
    return response
