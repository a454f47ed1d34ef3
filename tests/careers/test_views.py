"""Role and program listings (filters, sorting, facets) and detail pages."""

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from careers.filters import salary_band_q
from careers.models import Program, Qualification, Role
from careers.templatetags.careers_tags import salary_text
from core.models import Status
from tests.budgets import per_record_type
from tests.factories import (
    OrganizationFactory,
    OrganizationTypeFactory,
    ProgramFactory,
    QualificationFactory,
    ResearchAgendaFactory,
    RoleCategoryFactory,
    RoleDutyFactory,
    RoleFactory,
    RoleFAQFactory,
)

pytestmark = pytest.mark.django_db

ROLES_URL = reverse("careers:role_list")
PROGRAMS_URL = reverse("careers:program_list")


def h1_count(html: str) -> int:
    return len(re.findall(r"<h1[\s>]", html))


def jsonld_blocks(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def slugs(response, key="roles") -> list[str]:
    return [record.slug for record in response.context[key]]


@pytest.fixture
def roles():
    research = RoleCategoryFactory(name="Research", slug="research")
    policy = RoleCategoryFactory(name="Policy", slug="policy")
    lab = OrganizationTypeFactory(slug="frontier-lab")
    gov = OrganizationTypeFactory(slug="government")
    low = RoleFactory(
        slug="low", name="Analyst", category=policy, salary_min=60_000, salary_max=90_000
    )
    mid = RoleFactory(
        slug="mid", name="Engineer", category=research, salary_min=120_000, salary_max=160_000
    )
    high = RoleFactory(
        slug="high", name="Scientist", category=research, salary_min=250_000, salary_max=400_000
    )
    wide = RoleFactory(
        slug="wide", name="Manager", category=policy, salary_min=90_000, salary_max=210_000
    )
    none = RoleFactory(
        slug="none", name="Volunteer", category=policy, salary_min=None, salary_max=None
    )
    RoleFactory(slug="draft-role", name="Secret", category=research, status=Status.DRAFT)
    mid.employer_types.add(lab)
    high.employer_types.add(lab, gov)
    low.employer_types.add(gov)
    return {"low": low, "mid": mid, "high": high, "wide": wide, "none": none}


# ----------------------------------------------------------------- role listing


def test_role_listing(client, roles):
    response = client.get(ROLES_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert h1_count(html) == 1
    assert set(slugs(response)) == {"low", "mid", "high", "wide", "none"}
    assert "Secret" not in html
    assert "$120,000–$160,000" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"category": "research"}, {"mid", "high"}),
        ({"category": "policy"}, {"low", "wide", "none"}),
        ({"salary": "under-100k"}, {"low", "wide"}),
        ({"salary": "100k-150k"}, {"mid", "wide"}),
        ({"salary": "150k-200k"}, {"mid", "wide"}),
        ({"salary": "200k-plus"}, {"high", "wide"}),
        ({"employer": "frontier-lab"}, {"mid", "high"}),
        ({"employer": "government"}, {"low", "high"}),
        ({"employer": "government", "category": "research"}, {"high"}),
        ({"salary": "200k-plus", "category": "policy"}, {"wide"}),
    ],
)
def test_role_filters(client, roles, query, expected):
    response = client.get(ROLES_URL, query)
    assert response.status_code == 200
    assert set(slugs(response)) == expected
    assert "Reset filters" in response.content.decode()


def test_salary_band_open_ended_ranges():
    category = RoleCategoryFactory()
    RoleFactory(slug="from-only", category=category, salary_min=180_000, salary_max=None)
    RoleFactory(slug="to-only", category=category, salary_min=None, salary_max=80_000)

    def band(slug):
        return set(Role.objects.filter(salary_band_q(slug)).values_list("slug", flat=True))

    assert band("under-100k") == {"to-only"}
    assert band("150k-200k") == {"from-only"}
    assert band("200k-plus") == set()


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("title", ["low", "mid", "wide", "high", "none"]),
        ("-title", ["none", "high", "wide", "mid", "low"]),
        ("salary", ["low", "wide", "mid", "high", "none"]),
        ("-salary", ["high", "wide", "mid", "low", "none"]),
    ],
)
def test_role_sorting(client, roles, sort, expected):
    response = client.get(ROLES_URL, {"sort": sort})
    assert response.status_code == 200
    assert slugs(response) == expected


@pytest.mark.parametrize("sort", [",", ",,", ",title"])
def test_empty_sort_values_keep_the_default_order_not_a_500(client, roles, sort):
    # Regression: "?sort=," parsed to [""] and RoleOrdering raised KeyError: ''.
    response = client.get(ROLES_URL, {"sort": sort})
    assert response.status_code == 200
    assert slugs(response) == ["low", "mid", "wide", "high", "none"]


@pytest.mark.parametrize(
    "query",
    [
        {"category": "nope"},
        {"salary": "1-million"},
        {"employer": "pirates"},
        {"sort": "password"},
        {"sort": "salary_min"},
        {"salary": "<script>alert(1)</script>"},
    ],
)
def test_bad_role_filters_are_400_with_errors(client, roles, query):
    response = client.get(ROLES_URL, query)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Some filters could not be used" in html
    assert "<script>alert(1)</script>" not in html
    assert h1_count(html) == 1


def test_role_facet_counts(client, roles):
    response = client.get(ROLES_URL, {"category": "policy"})
    facets = {facet.name: facet for facet in response.context["facets"]}
    assert {o.value: o.count for o in facets["category"].options} == {"policy": 3, "research": 2}
    assert {o.value: o.count for o in facets["salary"].options} == {
        "under-100k": 2,
        "100k-150k": 1,
        "150k-200k": 1,
        "200k-plus": 1,
    }
    assert {o.value: o.count for o in facets["employer"].options} == {"government": 1}


def test_role_pagination(client):
    category = RoleCategoryFactory(slug="research")
    RoleFactory.create_batch(30, category=category)
    response = client.get(ROLES_URL, {"category": "research", "sort": "-salary"})
    assert len(response.context["roles"]) == 24
    assert "?category=research&amp;sort=-salary&amp;page=2" in response.content.decode()
    for page in ["3", "0", "x", "99999999999999999999"]:
        assert client.get(ROLES_URL, {"page": page}).status_code == 404


def test_role_listing_query_count_is_constant(client):
    def measure(n):
        category = RoleCategoryFactory(slug="research")
        lab = OrganizationTypeFactory(slug="frontier-lab")
        for role in RoleFactory.create_batch(n, category=category):
            role.employer_types.add(lab)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(
                ROLES_URL, {"category": "research", "employer": "frontier-lab", "sort": "salary"}
            )
        assert response.status_code == 200
        return len(ctx.captured_queries)

    small = measure(5)
    Role.objects.all().delete()
    assert small == measure(60) <= 10


# ------------------------------------------------------------------ role detail


@pytest.fixture
def full_role():
    category = RoleCategoryFactory(name="Research", slug="research")
    role = RoleFactory(
        slug="research-scientist",
        name="Research Scientist",
        category=category,
        salary_min=120_000,
        salary_max=250_000,
        typical_education="PhD in ML",
        typical_experience="3+ years",
        key_certifications="None",
        top_employer_types="Frontier labs",
        growth_outlook="Strong",
        ai_impact="Augmented, not replaced",
        overview="An **overview**.\n\n<script>alert('overview')</script>",
        career_outlook="Demand is *growing*.",
        cover_letter="Dear hiring manager,\n\nPlease hire me.",
        tags=["alignment"],
    )
    for text in ["First duty", "Second duty"]:
        RoleDutyFactory(role=role, text=text)
    QualificationFactory(role=role, kind=Qualification.Kind.EDUCATION, text="A PhD")
    QualificationFactory(role=role, kind=Qualification.Kind.TECHNICAL, text="PyTorch")
    RoleFAQFactory(role=role, question="Do I need a PhD?", answer="Not **always**.")
    sibling = RoleFactory(
        name="Research Engineer", category=category, salary_min=100_000, salary_max=180_000
    )
    RoleFactory(name="Hidden sibling", category=category, status=Status.DRAFT)
    role.agendas.add(ResearchAgendaFactory(name="Visible agenda"))
    role.agendas.add(ResearchAgendaFactory(name="Hidden agenda", status=Status.DRAFT))
    role.hiring_organizations.add(OrganizationFactory(name="Visible org"))
    role.hiring_organizations.add(OrganizationFactory(name="Hidden org", status=Status.REVIEW))
    role.programs.add(ProgramFactory(name="Visible program"))
    role.programs.add(ProgramFactory(name="Hidden program", status=Status.DRAFT))
    role.related_roles.add(RoleFactory(name="Hidden related", status=Status.DRAFT))
    return role, sibling


def test_role_detail_has_every_section(client, full_role):
    role, sibling = full_role
    response = client.get(role.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert h1_count(html) == 1
    for text in [
        "At a glance",
        "PhD in ML",
        "3+ years",
        "Frontier labs",
        "Augmented, not replaced",
        "$120,000–$250,000",
        "Duties and responsibilities",
        "Overview",
        "<strong>overview</strong>",
        "Qualifications",
        "Education",
        "Technical skills",
        "Career outlook",
        "<em>growing</em>",
        "Sample cover letter",
        'class="cover-letter"',
        "<summary>Do I need a PhD?</summary>",
        "Not <strong>always</strong>",
        "More in Research",
        "$100,000–$180,000",
        "Visible agenda",
        "Visible org",
        "Visible program",
        "Last updated",
        reverse("core:tag_detail", args=["alignment"]),
    ]:
        assert text in html, text
    assert re.search(r"<ol class=\"duties\">\s*<li>First duty</li><li>Second duty</li>", html)
    assert "<script>alert('overview')</script>" not in html
    for hidden in [
        "Hidden sibling",
        "Hidden agenda",
        "Hidden org",
        "Hidden program",
        "Hidden related",
    ]:
        assert hidden not in html, hidden
    assert sibling.get_absolute_url() in html


def test_role_detail_last_reviewed(client, full_role):
    role, _ = full_role
    Role.objects.filter(pk=role.pk).update(last_reviewed="2025-03-04")
    html = client.get(role.get_absolute_url()).content.decode()
    assert "Last reviewed" in html and "4 March 2025" in html


def test_role_jsonld_occupation(client, full_role):
    role, _ = full_role
    blocks = jsonld_blocks(client.get(role.get_absolute_url()).content.decode())
    occupation = next(b for b in blocks if b.get("@type") == "Occupation")
    assert occupation["name"] == "Research Scientist"
    salary = occupation["estimatedSalary"][0]
    assert salary["@type"] == "MonetaryAmountDistribution"
    assert salary["currency"] == "USD"
    assert (salary["minValue"], salary["maxValue"]) == (120_000, 250_000)
    assert occupation["responsibilities"] == ["First duty", "Second duty"]


def test_role_404s_and_preview(editor_client, roles):
    client = Client()  # anonymous; editor_client logs in the `client` fixture
    assert client.get(reverse("careers:role_detail", args=["nope"])).status_code == 404
    assert client.get(reverse("careers:role_detail", args=["draft-role"])).status_code == 404
    response = editor_client.get(reverse("careers:role_detail", args=["draft-role"]))
    assert response.status_code == 200
    assert "Preview — not published" in response.content.decode()


def test_role_detail_query_count_is_constant(client):
    def measure(n):
        category = RoleCategoryFactory()
        role = RoleFactory(category=category, tags=["a", "b"])
        lab = OrganizationTypeFactory()
        role.employer_types.add(lab)
        for i in range(n):
            RoleDutyFactory(role=role)
            QualificationFactory(role=role, kind=Qualification.Kind.choices[i % 5][0])
            RoleFAQFactory(role=role)
        role.agendas.add(*ResearchAgendaFactory.create_batch(n))
        role.hiring_organizations.add(*OrganizationFactory.create_batch(n))
        role.programs.add(*ProgramFactory.create_batch(n))
        role.related_roles.add(*RoleFactory.create_batch(n))
        RoleFactory.create_batch(n, category=category)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(role.get_absolute_url())
        assert response.status_code == 200
        return len(ctx.captured_queries)

    # 22: eleven for the page, four for "How to get there", seven for
    # "What links here" (one per linking record type).
    assert measure(5) == measure(60) <= 15 + per_record_type()  # + "What links here"


def test_salary_text_formats():
    assert salary_text(120_000, 250_000, "USD") == "$120,000–$250,000"
    assert salary_text(50_000, 70_000, "GBP") == "£50,000–£70,000"
    assert salary_text(50_000, None, "CHF") == "From 50,000 CHF"
    assert salary_text(None, 90_000, "EUR") == "Up to €90,000"
    assert salary_text(None, None, "USD") == ""


# ------------------------------------------------------------------- programs


@pytest.fixture
def programs():
    return {
        "mats": ProgramFactory(slug="mats", kind="training", format="in-person", cost="funded"),
        "course": ProgramFactory(slug="course", kind="course", format="online", cost="free"),
        "camp": ProgramFactory(slug="camp", kind="camp", format="online", cost="paid"),
        "draft": ProgramFactory(slug="draft-program", status=Status.DRAFT),
    }


def test_program_listing(client, programs):
    response = client.get(PROGRAMS_URL)
    assert response.status_code == 200
    assert h1_count(response.content.decode()) == 1
    assert set(slugs(response, "programs")) == {"mats", "course", "camp"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "training"}, {"mats"}),
        ({"format": "online"}, {"course", "camp"}),
        ({"cost": "free"}, {"course"}),
        ({"format": "online", "cost": "paid"}, {"camp"}),
        ({"kind": "fellowship"}, set()),
    ],
)
def test_program_filters(client, programs, query, expected):
    response = client.get(PROGRAMS_URL, query)
    assert response.status_code == 200
    assert set(slugs(response, "programs")) == expected


@pytest.mark.parametrize("query", [{"kind": "x"}, {"format": "moon"}, {"cost": "1"}])
def test_bad_program_filters(client, programs, query):
    assert client.get(PROGRAMS_URL, query).status_code == 400


def test_program_listing_query_count_is_constant(client):
    def measure(n):
        ProgramFactory.create_batch(n, format="online")
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(PROGRAMS_URL, {"format": "online"})
        assert response.status_code == 200
        return len(ctx.captured_queries)

    small = measure(5)
    Program.objects.all().delete()
    # The career stages (facet options); seven facet counts (applications,
    # stage, kind, format, cost, hours, cadence); count; page; the page's stages.
    assert small == measure(60) <= 11


def test_program_detail(client, programs):
    program = programs["mats"]
    program.description = "Learn **fast**. <script>alert(1)</script>"
    program.location = "Berkeley"
    program.cost_notes = "Stipend provided"
    program.website = "https://example.org/mats"
    program.application_deadline = "2030-01-15"
    program.save()
    program.agendas.add(ResearchAgendaFactory(name="Shown agenda"))
    program.agendas.add(ResearchAgendaFactory(name="Hidden agenda", status=Status.DRAFT))
    RoleFactory(name="Shown role").programs.add(program)
    RoleFactory(name="Hidden role", status=Status.DRAFT).programs.add(program)
    response = client.get(program.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert h1_count(html) == 1
    for text in ["<strong>fast</strong>", "Berkeley", "Stipend provided", "15 January 2030",
                 "https://example.org/mats", "Shown agenda", "Shown role", program.organizer.name,
                 "10 weeks", "Funded"]:  # fmt: skip
        assert text in html, text
    for text in ["Hidden agenda", "Hidden role", "<script>alert(1)</script>"]:
        assert text not in html
    data = next(
        b for b in jsonld_blocks(html) if b.get("@type") == "EducationalOccupationalProgram"
    )
    assert data["provider"]["name"] == program.organizer.name
    assert data["timeToComplete"] == "P10W"
    assert data["applicationDeadline"] == "2030-01-15"


def test_program_location_is_left_out_when_it_only_repeats_the_format(client, programs):
    program = programs["mats"]
    program.format, program.location = Program.Format.ONLINE, "online"
    program.save()
    html = client.get(program.get_absolute_url()).content.decode()
    assert "<dt>Location</dt>" not in html and "<dt>Format</dt><dd>Online</dd>" in html
    program.location = "Online, from Europe"
    program.save()
    html = client.get(program.get_absolute_url()).content.decode()
    assert "<dt>Location</dt><dd>Online, from Europe</dd>" in html


def test_program_with_draft_organizer_hides_it(client):
    organizer = OrganizationFactory(name="Stealth organizer", status=Status.DRAFT)
    program = ProgramFactory(organizer=organizer)
    html = client.get(program.get_absolute_url()).content.decode()
    assert "Stealth organizer" not in html


def test_program_404s_and_preview(editor_client, programs):
    client = Client()  # anonymous
    url = reverse("careers:program_detail", args=["draft-program"])
    assert client.get(url).status_code == 404
    assert client.get(reverse("careers:program_detail", args=["nope"])).status_code == 404
    response = editor_client.get(url)
    assert response.status_code == 200
    assert "Preview — not published" in response.content.decode()


def test_program_detail_query_count_is_constant(client):
    def measure(n):
        program = ProgramFactory(tags=["a"])
        program.agendas.add(*ResearchAgendaFactory.create_batch(n))
        for role in RoleFactory.create_batch(n):
            role.programs.add(program)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(program.get_absolute_url())
        assert response.status_code == 200
        return len(ctx.captured_queries)

    # Six for the page (+ career stages and the backgrounds it suits, issue 14),
    # then "What links here" for every record type but backgrounds (listed already).
    assert measure(5) == measure(60) <= 6 + per_record_type(exclude=("background",))


def test_long_role_page_folds_the_cover_letter_and_keeps_its_contents_at_hand(client):
    from tests.careers.factories import RoleFactory as _RoleFactory

    role = _RoleFactory(cover_letter="Dear hiring manager, **this** is a sample.")
    html = client.get(role.get_absolute_url()).content.decode()
    letter = html[html.index('id="cover-letter-title"') :]
    assert letter.index("<details") < letter.index("Dear hiring manager")
    assert "<summary>Show the sample cover letter</summary>" in letter
    assert '<p class="toc-jump"><a href="#toc-title">On this page</a></p>' in html
    assert '<h2 id="toc-title" tabindex="-1">On this page</h2>' in html
