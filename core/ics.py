"""iCalendar (RFC 5545) feed of program application deadlines and cohort starts.

``/programs/calendar.ics`` lists one all-day event per published program date
(application deadline, next cohort start), filtered like the programs listing
(``/programs/calendar.ics?format=online``). The writer follows RFC 5545:
CRLF line endings, content lines folded at 75 octets without splitting a UTF-8
character, TEXT values escaped (``\\``, ``;``, ``,``, newlines), a ``DTSTAMP``
on every event and a ``UID`` that stays the same for the same program date.
"""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils import timezone

from core.api.exports import filtered_records
from core.api.registry import RECORD_TYPES, absolute_url

CRLF = "\r\n"
MAX_OCTETS = 75
PRODID = "-//AI Safety Field Guide//Program dates//EN"


def escape_text(value) -> str:
    """Escape a TEXT value (RFC 5545 §3.3.11)."""
    text = str(value or "")
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line so no physical line exceeds 75 octets (§3.1).

    Continuation lines start with one space, which counts toward their 75
    octets; a multi-octet UTF-8 character is never split.
    """
    parts = []
    current = ""
    current_octets = 0
    limit = MAX_OCTETS
    for char in line:
        size = len(char.encode("utf-8"))
        if current_octets + size > limit:
            parts.append(current)
            current, current_octets = "", 0
            limit = MAX_OCTETS - 1  # room for the leading space
        current += char
        current_octets += size
    parts.append(current)
    return (CRLF + " ").join(parts)


def format_date(value: datetime.date) -> str:
    return value.strftime("%Y%m%d")


def format_datetime_utc(value: datetime.datetime) -> str:
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def content_line(name: str, text: str, **params) -> str:
    """``NAME;PARAM=VALUE:text``, folded — ``text`` must already be escaped."""
    head = name + "".join(f";{key.upper()}={param}" for key, param in params.items())
    return fold(f"{head}:{text}")


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


EVENT_TITLES = {"deadline": "Application deadline: {name}", "cohort": "Cohort starts: {name}"}


def build_calendar(request, programs, *, name: str) -> str:
    domain = uid_domain(request)
    program_type = RECORD_TYPES["program"]
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        content_line("PRODID", PRODID),
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        content_line("NAME", escape_text(name)),
        content_line("X-WR-CALNAME", escape_text(name)),
        "REFRESH-INTERVAL;VALUE=DURATION:PT12H",
        "X-PUBLISHED-TTL:PT12H",
    ]
    for program, kind, date in program_events(programs):
        url = absolute_url(request, program.get_absolute_url())
        description = program.summary or ""
        if program.website:
            description = f"{description}\n\nProgram website: {program.website}".strip()
        description = f"{description}\n\n{url}".strip()
        lines += [
            "BEGIN:VEVENT",
            content_line("UID", f"{program_type.slug}-{program.pk}-{kind}@{domain}"),
            # When this version of the event was made: the program's last save.
            content_line("DTSTAMP", format_datetime_utc(program.updated)),
            content_line("LAST-MODIFIED", format_datetime_utc(program.updated)),
            content_line("DTSTART", format_date(date), value="DATE"),
            content_line("DTEND", format_date(date + datetime.timedelta(days=1)), value="DATE"),
            content_line("SUMMARY", escape_text(EVENT_TITLES[kind].format(name=program.name))),
            content_line("DESCRIPTION", escape_text(description)),
            content_line("URL", url, value="URI"),
            content_line(
                "CATEGORIES",
                escape_text("Application deadline" if kind == "deadline" else "Cohort start"),
            ),
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return CRLF.join(lines) + CRLF


def program_calendar(request):
    """``/programs/calendar.ics``: deadlines and cohort starts of published programs."""
    _filterset, queryset = filtered_records(request, RECORD_TYPES["program"])
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
    response = HttpResponse(body.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="programs.ics"'
    return response
