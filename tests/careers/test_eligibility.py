"""Programs' eligibility and application window (issue 14): the computed status at
the window's edges, the rules as model constraints and admin form errors, the
listing's filters, facets and "next deadline" sort; backgrounds and the role's
way in."""

import datetime

import pytest
import time_machine
from django.contrib.admin.sites import site as default_site
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from django.urls import reverse

from careers.filters import hours_band_q
from careers.models import (
    ApplicationStatus,
    BackgroundContribution,
    BackgroundProgramFit,
    BackgroundRoleFit,
    Program,
)
from core.models import Status
from tests.careers.factories import (
    BackgroundFactory,
    CareerStageFactory,
    ProgramFactory,
    RoleFactory,
)
from tests.guides.factories import ResearchAgendaFactory

pytestmark = pytest.mark.django_db

PROGRAMS = "/programs/"
OPENS = datetime.date(2027, 3, 1)
CLOSES = datetime.date(2027, 3, 31)


def status_in_sql(program, today):
    return Program.objects.with_application_status(today).get(pk=program.pk).application_state


# ------------------------------------------------------ the computed status


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (OPENS - datetime.timedelta(days=1), ApplicationStatus.OPENING_SOON),
        (OPENS, ApplicationStatus.OPEN),
        (CLOSES, ApplicationStatus.OPEN),
        (CLOSES + datetime.timedelta(days=1), ApplicationStatus.CLOSED),
    ],
)
def test_status_at_the_window_edges_in_python_and_sql(today, expected):
    program = ProgramFactory(applications_open=OPENS, application_deadline=CLOSES)
    assert program.application_status_on(today) == expected
    assert status_in_sql(program, today) == expected


@pytest.mark.parametrize(
    ("opens", "closes", "cadence", "expected"),
    [
        (None, None, "", ApplicationStatus.UNKNOWN),
        (None, None, "rolling", ApplicationStatus.ROLLING),
        (None, CLOSES, "", ApplicationStatus.OPEN),
        (OPENS, None, "", ApplicationStatus.OPEN),
        # A rolling program with a past deadline is still rolling.
        (None, OPENS, "rolling", ApplicationStatus.ROLLING),
        # Not open yet wins over rolling.
        (CLOSES, None, "rolling", ApplicationStatus.OPENING_SOON),
    ],
)
def test_status_without_a_full_window(opens, closes, cadence, expected):
    today = OPENS + datetime.timedelta(days=5)
    program = ProgramFactory(applications_open=opens, application_deadline=closes, cadence=cadence)
    assert program.application_status_on(today) == expected
    assert status_in_sql(program, today) == expected


def test_status_is_computed_from_today_never_stored(client):
    program = ProgramFactory(applications_open=OPENS, application_deadline=CLOSES)
    with time_machine.travel(datetime.datetime(2027, 2, 28, 12, tzinfo=datetime.UTC), tick=False):
        assert program.application_status == ApplicationStatus.OPENING_SOON
        page = client.get(program.get_absolute_url()).content.decode()
        assert "Applications: opening soon" in page
    with time_machine.travel(datetime.datetime(2027, 4, 1, 12, tzinfo=datetime.UTC), tick=False):
        assert Program.objects.get(pk=program.pk).application_status == ApplicationStatus.CLOSED
        response = client.get(PROGRAMS, {"status": "closed"})
        assert [p.slug for p in response.context["programs"]] == [program.slug]
        assert not client.get(PROGRAMS, {"status": "open"}).context["programs"]


# ------------------------------------------------------------------ rules


def test_the_database_refuses_a_window_that_closes_before_it_opens():
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgramFactory(applications_open=CLOSES, application_deadline=OPENS)


@pytest.mark.parametrize("hours", [0, 169])
def test_the_database_refuses_hours_out_of_range(hours):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgramFactory(hours_per_week=hours)


def admin_form(model, data, obj=None):
    from django.contrib.auth.models import User

    request = RequestFactory().get("/")
    request.user = User(is_superuser=True, is_staff=True)
    form_class = default_site._registry[model].get_form(request, obj)
    return form_class(data=data, instance=obj)


def program_data(**overrides):
    data = {
        "name": "Test program",
        "slug": "test-program",
        "kind": "training",
        "format": "online",
        "cost": "funded",
        "summary": "A program.",
        "description": "About it.",
        "status": "draft",
        "publish_at_0": "2026-01-01",
        "publish_at_1": "09:00:00",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (
            {"applications_open": "2027-03-31", "application_deadline": "2027-03-01"},
            "application_deadline",
        ),
        ({"hours_per_week": "-5"}, "hours_per_week"),
        ({"hours_per_week": "200"}, "hours_per_week"),
        ({"stipend_amount": "1000"}, "stipend_currency"),
        ({"stipend_amount": "1000", "stipend_currency": "dollars"}, "stipend_currency"),
    ],
)
def test_bad_input_is_a_form_error(overrides, field):
    form = admin_form(Program, program_data(**overrides))
    assert not form.is_valid()
    assert field in form.errors


def test_a_good_window_is_accepted():
    form = admin_form(
        Program,
        program_data(
            applications_open="2027-03-01",
            application_deadline="2027-03-01",
            hours_per_week="10",
            stipend_amount="1000",
            stipend_currency="gbp",
            cadence="yearly",
        ),
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["hours_per_week"] == 10


def test_the_admin_answers_a_bad_window_with_the_form_again(admin_client):
    response = admin_client.post(
        reverse("admin:careers_program_add"),
        program_data(applications_open="2027-03-31", application_deadline="2027-03-01"),
    )
    assert response.status_code == 200
    assert "before they open" in response.content.decode()
    assert not Program.objects.filter(slug="test-program").exists()


# --------------------------------------------------------------- the listing


@pytest.fixture
def listing():
    student = CareerStageFactory(slug="student", name="Student", order=1)
    senior = CareerStageFactory(slug="senior", name="Senior", order=4)
    a = ProgramFactory(
        name="Alpha", hours_per_week=5, cadence="yearly", application_deadline=CLOSES
    )
    b = ProgramFactory(
        name="Bravo", hours_per_week=40, cadence="rolling", application_deadline=OPENS
    )
    c = ProgramFactory(name="Charlie", hours_per_week=None, cadence="")
    a.career_stages.add(student)
    b.career_stages.add(student, senior)
    return {"a": a, "b": b, "c": c}


def slugs(response):
    return [p.slug for p in response.context["programs"]]


def facet(response, name):
    return next(f for f in response.context["facets"] if f.name == name)


@time_machine.travel(datetime.datetime(2027, 2, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_filters_and_facet_counts(client, listing):
    a, b, c = listing["a"], listing["b"], listing["c"]
    assert slugs(client.get(PROGRAMS, {"stage": "student"})) == [a.slug, b.slug]
    assert slugs(client.get(PROGRAMS, {"stage": "senior"})) == [b.slug]
    assert slugs(client.get(PROGRAMS, {"hours": "under-10"})) == [a.slug]
    assert slugs(client.get(PROGRAMS, {"hours": "35-plus"})) == [b.slug]
    assert slugs(client.get(PROGRAMS, {"cadence": "rolling"})) == [b.slug]
    assert slugs(client.get(PROGRAMS, {"status": "unknown"})) == [c.slug]
    response = client.get(PROGRAMS)
    stage_counts = {o.value: o.count for o in facet(response, "stage").options}
    assert stage_counts == {"student": 2, "senior": 1}
    hours_counts = {o.value: o.count for o in facet(response, "hours").options}
    assert hours_counts == {"under-10": 1, "35-plus": 1}
    status_counts = {o.value: o.count for o in facet(response, "status").options}
    assert status_counts == {"open": 1, "rolling": 1, "unknown": 1}
    # Counts under another filter: only Bravo is senior.
    narrowed = client.get(PROGRAMS, {"stage": "senior"})
    assert {o.value: o.count for o in facet(narrowed, "hours").options} == {"35-plus": 1}


@time_machine.travel(datetime.datetime(2027, 2, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_sort_by_next_deadline_puts_the_soonest_first_and_the_unknown_last(client, listing):
    a, b, c = listing["a"], listing["b"], listing["c"]
    assert slugs(client.get(PROGRAMS)) == [a.slug, b.slug, c.slug]  # by name
    # Bravo closes 1 March, Alpha 31 March, Charlie has no deadline.
    assert slugs(client.get(PROGRAMS, {"sort": "deadline"})) == [b.slug, a.slug, c.slug]
    with time_machine.travel(datetime.datetime(2027, 3, 15, tzinfo=datetime.UTC), tick=False):
        # Bravo's deadline has passed: it goes after the deadline still to come.
        assert slugs(client.get(PROGRAMS, {"sort": "deadline"})) == [a.slug, b.slug, c.slug]


@pytest.mark.parametrize(
    "params",
    [{"stage": "nope"}, {"hours": "lots"}, {"status": "soon"}, {"cadence": "daily"}],
)
def test_unknown_filter_values_are_a_400_not_a_500(client, listing, params):
    response = client.get(PROGRAMS, params)
    assert response.status_code == 400
    assert not response.context["programs"]


def test_an_unknown_sort_keeps_the_default_order(client, listing):
    response = client.get(PROGRAMS, {"sort": "drop table"})
    assert response.status_code in (200, 400)
    assert response.status_code != 500


def test_hours_bands_do_not_overlap():
    ProgramFactory(hours_per_week=10)
    ProgramFactory(hours_per_week=35)
    matched = [
        slug
        for slug in ("under-10", "10-19", "20-34", "35-plus")
        if Program.objects.filter(hours_band_q(slug)).exists()
    ]
    assert matched == ["10-19", "35-plus"]


def test_program_page_shows_not_known_where_nothing_is_given(client):
    program = ProgramFactory(cost="free")
    html = client.get(program.get_absolute_url()).content.decode()
    for label in ("Career stages", "Entry bar", "Hours a week", "Applications open", "Apply by"):
        section = html[html.index(f"<dt>{label}</dt>") :][:200]
        assert "Not known" in section, label
    assert "No stipend" in html


def test_program_api_carries_the_eligibility(client):
    stage = CareerStageFactory(slug="early-career", name="Early career")
    program = ProgramFactory(hours_per_week=12, cadence="cohort", entry_bar="Some ML.")
    program.career_stages.add(stage)
    data = client.get(f"/api/v1/programs/{program.slug}/").json()
    assert data["career_stages"] == ["early-career"]
    assert data["hours_per_week"] == 12
    assert data["cadence"] == "cohort"
    assert data["entry_bar"] == "Some ML."
    assert data["application_status"] == "unknown"
    assert client.get("/api/v1/programs/", {"stage": "early-career"}).json()["count"] == 1


# --------------------------------------------------------------- backgrounds


@pytest.fixture
def background_world():
    background = BackgroundFactory(name="Security work", slug="security")
    BackgroundContribution.objects.create(background=background, text="Red-teaming", order=0)
    agenda = ResearchAgendaFactory(name="Control", slug="control")
    role = RoleFactory(name="Red-teamer", slug="red-teamer")
    program = ProgramFactory(name="Camp", slug="camp")
    background.agenda_fits.create(agenda=agenda, reason="Attackers' minds help control.")
    BackgroundRoleFit.objects.create(background=background, role=role, reason="Finds failures.")
    BackgroundProgramFit.objects.create(
        background=background, program=program, reason="Teaches evals."
    )
    return {"background": background, "agenda": agenda, "role": role, "program": program}


def test_background_page_shows_every_fit_with_its_reason(client, background_world):
    html = client.get("/backgrounds/security/").content.decode()
    for text in ("Red-teaming", "Attackers", "Finds failures.", "Teaches evals."):
        assert text in html
    assert 'href="/agendas/control/"' in html and 'href="/roles/red-teamer/"' in html


def test_fits_show_on_the_other_side_with_the_reason(client, background_world):
    assert "Attackers" in client.get("/agendas/control/").content.decode()
    assert "Teaches evals." in client.get("/programs/camp/").content.decode()
    role_page = client.get("/roles/red-teamer/").content.decode()
    assert "Backgrounds that lead in" in role_page and "Finds failures." in role_page


def test_a_draft_background_is_not_shown_anywhere(client, background_world):
    background = background_world["background"]
    background.status = Status.DRAFT
    background.save()
    assert client.get("/backgrounds/security/").status_code == 404
    assert "Finds failures." not in client.get("/roles/red-teamer/").content.decode()
    assert "Attackers" not in client.get("/agendas/control/").content.decode()


def test_background_api_and_filter(client, background_world):
    data = client.get("/api/v1/backgrounds/security/").json()
    assert data["contributions"] == ["Red-teaming"]
    assert data["roles"] == [{"record": "red-teamer", "reason": "Finds failures."}]
    assert client.get("/api/v1/backgrounds/", {"agenda": "control"}).json()["count"] == 1
    assert client.get("/api/v1/backgrounds/", {"agenda": "nothing"}).json()["count"] == 0


def way_in_section(client):
    html = client.get(reverse("admin:editorial_review")).content.decode()
    start = html.index("Roles with no way in")
    return html[start : html.index("</table>", start)]


def test_a_role_with_no_way_in_is_on_the_review_dashboard(admin_client, background_world):
    RoleFactory(name="Lonely role", slug="lonely")
    section = way_in_section(admin_client)
    assert "Lonely role" in section
    assert "Red-teamer" not in section  # a background leads in
    # Link a program: the warning goes.
    role = background_world["role"].__class__.objects.get(slug="lonely")
    role.programs.add(background_world["program"])
    assert "Lonely role" not in way_in_section(admin_client)
