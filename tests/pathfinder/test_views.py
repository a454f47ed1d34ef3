"""The decision page: start page, plan, bad input (400, never 500), ways in, and the
JSON, calendar and feed that must say what the page says."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.test.utils import override_settings
from icalendar import Calendar

from .conftest import FULL_QUERY

pytestmark = pytest.mark.django_db
PLAN = "/find-your-direction/"


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'")


def test_empty_form_is_a_start_page(client, world):
    response = client.get(PLAN)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Where to begin" in body
    assert 'name="background"' in body and 'value="security"' in body
    assert f'href="?stage={world["exploring"].slug}"' in body
    assert "MATS" in body  # every program, open ones first
    assert "Research agendas for you" not in body


def test_the_start_page_lists_the_first_programs_and_counts_the_rest(client, world):
    from careers.models import Program
    from pathfinder.scoring import START_PROGRAMS
    from tests.careers.factories import ProgramFactory

    for n in range(START_PROGRAMS + 3):
        ProgramFactory(name=f"Extra program {n:02}", format="online")
    total = Program.objects.published().count()

    body = client.get(PLAN).content.decode()
    more = total - START_PROGRAMS
    assert body.count('class="card plan-program"') == START_PROGRAMS
    assert f"{more} more programs: browse all {total}, next deadline first" in text(body)
    assert 'href="/programs/?sort=deadline"' in body
    # The JSON, calendar and feed of the start page still hold every program.
    assert len(client.get("/api/v1/plan/").json()["programs"]) == total


def test_the_plan_shows_every_reason(client, world):
    response = client.get(f"{PLAN}?{FULL_QUERY}")

    assert response.status_code == 200
    page = text(response.content.decode())
    assert "AI Control 9 points" in page
    assert "+3 Security background → AI Control: Security background very relevant" in page
    assert "+3 You find “monitoring can work” plausible" in page
    assert "+2 You are most concerned about Deceptive alignment, which this agenda studies" in page
    assert "+1 You expect short timelines" in page
    assert "Safety engineer" in page and "$100,000–$200,000" in page
    assert "Berkeley residency : accepts Senior only; in person in Berkeley" in page
    assert "Red-team a model for deceptive behaviour" in page
    assert "Frontier models" in page and "Racing dynamics" in page
    assert "Short timelines Your answer" in page and "Long timelines" in page
    assert "20 h 30 min in all — about 3 weeks at 10 hours a week" in page
    assert 'href="/find-your-direction/how-it-works/"' in response.content.decode()


def test_role_without_salary_says_not_known(client, world):
    world["role"].salary_min = world["role"].salary_max = None
    world["role"].save()

    page = text(client.get(f"{PLAN}?background=security").content.decode())

    assert "Salary: not known" in page


@pytest.mark.parametrize(
    "query",
    [
        "background=nobody",
        "background=security&background=security",
        "bet=" + "x" * 5000,
        "concern=" + "&concern=".join(["deceptive-alignment"] * 50),
        "hours=0",
        "hours=81",
        "hours=-3",
        "hours=lots",
        "hours=" + "9" * 400,
        "stage=exploring&stage=exploring",
        "timeline=tomorrow",
        "career=astronaut",
        "where=the-moon",
        "stage=%00",
    ],
)
def test_bad_input_is_the_form_with_errors_and_400(client, world, query):
    response = client.get(f"{PLAN}?{query}")

    assert response.status_code == 400
    body = response.content.decode()
    assert "Some answers could not be used" in body
    assert 'name="background"' in body  # the form again
    assert "x" * 300 not in body  # a huge value is not echoed
    assert client.get(f"/api/v1/plan/?{query}").status_code == 400
    assert client.get(f"{PLAN}plan.ics?{query}").status_code == 400
    assert client.get(f"{PLAN}feed.atom?{query}").status_code == 400


def test_unknown_parameters_are_ignored(client, world):
    assert client.get(f"{PLAN}?utm_source=x").status_code == 200
    assert client.get(f"{PLAN}?utm_source=x&hours=5").status_code == 200


def test_ways_in_from_home_agenda_and_role_pages(client, world):
    home = client.get("/").content.decode()
    agenda = client.get(world["control"].get_absolute_url()).content.decode()
    role = client.get(world["role"].get_absolute_url()).content.decode()

    assert f'href="{PLAN}"' in home
    assert f'href="{PLAN}?bet=ai-control"' in agenda
    assert f'href="{PLAN}"' in role


def test_how_it_works_states_the_weights(client, world):
    page = text(client.get(f"{PLAN}how-it-works/").content.decode())

    assert "+3 for each of your backgrounds" in page
    assert "+2 for each failure mode" in page


def _html_plan(client, query):
    body = client.get(f"{PLAN}?{query}").content.decode()
    agendas = re.findall(
        r'<li class="card plan-agenda">\s*<h3 class="card-title"><a href="([^"]+)"', body
    )
    reasons = [
        text(m).strip() for m in re.findall(r'<ul class="plan-reasons">(.*?)</ul>', body, re.S)
    ]
    programs = re.findall(
        r'<li class="card plan-program">\s*<h3 class="card-title"><a href="([^"]+)"', body
    )
    refused = re.findall(r'<ul class="plan-refused"[^>]*>(.*?)</ul>', body, re.S)
    refused = re.findall(r'<a href="([^"]+)"', refused[0]) if refused else []
    return agendas, reasons, programs, refused


def test_json_is_the_html_plan(client, world):
    agendas, reasons, programs, refused = _html_plan(client, FULL_QUERY)
    data = client.get(f"/api/v1/plan/?{FULL_QUERY}").json()

    path = lambda url: re.sub(r"^https?://[^/]+", "", url)  # noqa: E731
    assert [path(a["url"]) for a in data["agendas"]] == agendas
    html_agenda_reasons = reasons[: len(agendas)]
    json_agenda_reasons = [
        " ".join(f"{'+' if r['points'] > 0 else ''}{r['points']} {r['text']}" for r in a["reasons"])
        for a in data["agendas"]
    ]
    assert json_agenda_reasons == html_agenda_reasons
    assert [path(p["url"]) for p in data["programs"]] == programs
    assert [path(p["url"]) for p in data["programs_you_cannot_apply_to"]] == refused
    assert data["reading_path"]["total_minutes"] == 1230
    assert data["reading_path"]["weeks"] == 3
    assert data["roles"][0]["salary"] == "$100,000–$200,000"


def test_calendar_holds_the_deadlines_of_the_programs_you_can_apply_to(client, world):
    import datetime

    world["mats"].application_deadline = datetime.date(2030, 1, 15)
    world["mats"].save()
    world["berkeley"].application_deadline = datetime.date(2030, 2, 1)
    world["berkeley"].save()
    _, _, programs, _ = _html_plan(client, FULL_QUERY)

    response = client.get(f"{PLAN}plan.ics?{FULL_QUERY}")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    urls = {re.sub(r"^https?://[^/]+", "", str(e.get("url"))) for e in events}
    assert urls == set(programs) == {world["mats"].get_absolute_url()}
    assert [e.get("dtstart").dt for e in events] == [datetime.date(2030, 1, 15)]


def test_feed_has_an_entry_per_record_on_the_plan_and_per_opening(client, world):
    import datetime

    world["mats"].applications_open = datetime.date(2020, 1, 1)
    world["mats"].application_deadline = datetime.date(2030, 1, 1)
    world["mats"].save()
    agendas, _, programs, _ = _html_plan(client, FULL_QUERY)

    response = client.get(f"{PLAN}feed.atom?{FULL_QUERY}")

    assert response.status_code == 200
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ET.fromstring(response.content)  # noqa: S314 - our own output
    links = [
        re.sub(r"^https?://[^/]+", "", e.find("a:link", ns).get("href"))
        for e in root.findall("a:entry", ns)
    ]
    titles = [e.find("a:title", ns).text for e in root.findall("a:entry", ns)]
    assert set(agendas) | set(programs) | {world["role"].get_absolute_url()} == set(links)
    assert "Applications open: MATS" in titles
    assert len(titles) == len(agendas) + 1 + len(programs) + 1


def test_the_api_schema_documents_the_plan(client, world):
    schema = client.get("/api/schema.json").json()

    operation = schema["paths"]["/api/v1/plan/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {
        "background",
        "bet",
        "concern",
        "timeline",
        "stage",
        "hours",
        "career",
        "where",
        "paid",
    }
    assert "Plan" in json.dumps(operation["responses"]["200"])


@override_settings(PAGE_CACHE_ENABLED=True)
def test_the_plan_is_cached_by_its_url_and_a_bad_one_is_not(
    client, world, django_assert_num_queries
):
    url = f"{PLAN}?{FULL_QUERY}"
    first = client.get(url)
    with django_assert_num_queries(0):  # served from the page cache
        second = client.get(url)
    assert second.content == first.content
    assert client.get(f"{PLAN}?hours=0").status_code == 400
    assert client.get(f"{PLAN}?hours=0").status_code == 400


def _count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow(world, n):
    """n more of everything the plan reads, all linked like the first."""
    from tests.careers.factories import ProgramFactory, RoleFactory
    from tests.guides.factories import GuideStepFactory, ResearchAgendaFactory

    from .factories import (
        BackgroundFactory,
        CruxFactory,
        agenda_fit,
        position,
        program_fit,
        quick_project,
        role_fit,
        stage_steps,
    )

    steps = []
    for i in range(n):
        agenda = ResearchAgendaFactory(if_you_believe=f"bet {i}")
        agenda_fit(world["security"], agenda)
        agenda_fit(BackgroundFactory(), agenda)
        world["mode"].agendas.add(agenda)
        quick_project(agenda, f"Project {i}")
        role = RoleFactory()
        role.agendas.add(agenda, world["control"])
        role.employer_types.add(world["lab"])
        role_fit(world["security"], role)
        program = ProgramFactory(format="online", hours_per_week=5)
        program.career_stages.add(world["early"])
        program.agendas.add(world["control"])
        program_fit(world["security"], program)
        role.programs.add(program)
        crux = CruxFactory()
        world["short"].positions.add(position(crux, f"Position {i}", agendas=[agenda]))
        position(crux, f"Other {i}", agendas=[world["control"]])
        step = GuideStepFactory(minutes=10)
        step.agendas.add(agenda)
        steps.append(step)
    stage_steps(world["exploring"], steps)


def test_queries_do_not_grow_with_the_data(client, world):
    url = f"{PLAN}?{FULL_QUERY}"
    start = _count(client, PLAN)
    small = _count(client, url)
    _grow(world, 2)
    middle = _count(client, url)
    _grow(world, 8)

    assert _count(client, url) == middle == small
    assert _count(client, PLAN) == start
    assert small <= 10  # issue 16: every reader page within 10 queries


def test_the_plan_reads_only_the_roles_and_programs_its_answers_match(client, world):
    """What a plan reads is bounded by its answers: a role or program nothing links
    to the answers is never loaded (the start page still lists every program)."""
    from careers.models import Program, Role
    from core import dependencies
    from tests.careers.factories import ProgramFactory, RoleFactory

    unrelated_program = ProgramFactory(name="Unrelated", format="online")
    unrelated_role = RoleFactory(name="Unrelated role")

    def loaded(url):
        with dependencies.recording() as keys:
            assert client.get(url).status_code == 200
        return keys

    keys = loaded(f"{PLAN}?{FULL_QUERY}")
    assert dependencies.record_key(Program, world["mats"].pk) in keys
    assert dependencies.record_key(Role, world["role"].pk) in keys
    assert dependencies.record_key(Program, unrelated_program.pk) not in keys
    assert dependencies.record_key(Role, unrelated_role.pk) not in keys
    assert dependencies.listing_key(Program) in keys  # a new program still shows
    assert dependencies.record_key(Program, unrelated_program.pk) in loaded(PLAN)


def test_editors_keep_the_stages_and_timelines_in_the_admin(client, world, django_user_model):
    from django.contrib.auth.models import Group

    from pathfinder.permissions import grant_editors

    grant_editors(sender=None)
    editors = Group.objects.get(name="Editors")
    assert editors.permissions.filter(codename="change_readerstage").exists()
    assert editors.permissions.filter(codename="change_timeline").exists()
    admin = django_user_model.objects.create_superuser("boss", "b@example.org", "pw-123456789")
    client.force_login(admin)
    stage = world["exploring"]
    for url in (
        "/admin/pathfinder/readerstage/",
        f"/admin/pathfinder/readerstage/{stage.pk}/change/",
        "/admin/pathfinder/timeline/",
        f"/admin/pathfinder/timeline/{world['short'].pk}/change/",
    ):
        assert client.get(url).status_code == 200, url
