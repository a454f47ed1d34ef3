"""Agendas as the field's reviews describe them, and cruxes (issue 14): the rules
(researcher estimates, lineage), the 301 from a renamed agenda, the comparison
page's new columns and sort, the problem filter, crux pages and the API."""

import json
import re

import pytest
from django.db import IntegrityError, transaction

from core.models import Status
from guides.models import AgendaQuickProject, ResearchAgenda
from tests.guides.factories import (
    AlignmentProblemFactory,
    CruxFactory,
    CruxPositionFactory,
    ResearchAgendaFactory,
)
from tests.organizations.factories import OrganizationFactory, OrganizationTypeFactory

pytestmark = pytest.mark.django_db

COMPARE = "/agendas/compare/"


def errors_of(obj):
    from django.core.exceptions import ValidationError

    try:
        obj.full_clean()
    except ValidationError as exc:
        return exc.message_dict
    return {}


# ------------------------------------------------------------------ rules


def test_an_fte_minimum_above_the_maximum_is_refused():
    agenda = ResearchAgendaFactory.build(slug="fte", fte_min=50, fte_max=10)
    assert "fte_max" in errors_of(agenda)
    with pytest.raises(IntegrityError), transaction.atomic():
        agenda.save()


def test_a_single_figure_or_a_range_is_fine():
    agenda = ResearchAgendaFactory(fte_min=10, fte_max=10)
    assert "fte_max" not in errors_of(agenda)
    assert agenda.fte_label == "10"
    agenda.fte_max = 30
    assert agenda.fte_label == "10–30"
    agenda.fte_min = agenda.fte_max = None
    assert agenda.fte_label == "" and not agenda.has_fte_estimate


def test_an_agenda_cannot_be_its_own_parent_or_successor():
    agenda = ResearchAgendaFactory()
    agenda.parent = agenda
    agenda.superseded_by = agenda
    errors = errors_of(agenda)
    assert "parent" in errors and "superseded_by" in errors
    with pytest.raises(IntegrityError), transaction.atomic():
        ResearchAgenda.objects.filter(pk=agenda.pk).update(parent=agenda)


def test_a_parent_below_the_agenda_would_make_a_loop():
    top = ResearchAgendaFactory()
    middle = ResearchAgendaFactory(parent=top)
    bottom = ResearchAgendaFactory(parent=middle)
    top.parent = bottom
    assert "parent" in errors_of(top)
    top.parent = None
    assert "parent" not in errors_of(top)


def test_superseded_by_its_own_descendant_or_in_a_cycle_is_refused():
    old = ResearchAgendaFactory()
    child = ResearchAgendaFactory(parent=old)
    grandchild = ResearchAgendaFactory(parent=child)
    old.superseded_by = grandchild
    assert "superseded_by" in errors_of(old)
    # A chain A → B → C must not close back to A.
    a, b, c = ResearchAgendaFactory(), ResearchAgendaFactory(), ResearchAgendaFactory()
    a.superseded_by = b
    a.save()
    b.superseded_by = c
    b.save()
    c.superseded_by = a
    assert "superseded_by" in errors_of(c)
    c.superseded_by = ResearchAgendaFactory()
    assert "superseded_by" not in errors_of(c)


def test_quick_project_weeks_must_be_in_order():
    agenda = ResearchAgendaFactory()
    project = AgendaQuickProject(agenda=agenda, title="Try it", weeks_min=4, weeks_max=1)
    assert "weeks_max" in errors_of(project)
    with pytest.raises(IntegrityError), transaction.atomic():
        project.save()


def agenda_admin_data(**overrides):
    data = {
        "name": "An agenda",
        "slug": "an-agenda",
        "order": "0",
        "summary": "It does things.",
        "goal": "A goal.",
        "status": "draft",
        "publish_at_0": "2026-01-01",
        "publish_at_1": "09:00:00",
    }
    for prefix in ("approaches", "quick_projects"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(overrides)
    return data


def test_the_admin_answers_bad_estimates_with_a_form_error(admin_client):
    response = admin_client.post(
        "/admin/guides/researchagenda/add/", agenda_admin_data(fte_min="40", fte_max="5")
    )
    assert response.status_code == 200
    assert "below the lowest" in response.content.decode()
    assert not ResearchAgenda.objects.filter(slug="an-agenda").exists()


def test_the_admin_refuses_a_parent_that_is_itself(admin_client):
    agenda = ResearchAgendaFactory(slug="loop")
    response = admin_client.post(
        f"/admin/guides/researchagenda/{agenda.pk}/change/",
        agenda_admin_data(slug="loop", parent=str(agenda.pk), loaded_version=str(agenda.version)),
    )
    assert response.status_code == 200
    assert "cannot be its own parent" in response.content.decode()
    agenda.refresh_from_db()
    assert agenda.parent_id is None


# ----------------------------------------------------------- reader pages


def test_a_renamed_agenda_answers_its_old_slug_with_a_301(client):
    agenda = ResearchAgendaFactory(slug="old-name", name="Old name")
    agenda.slug, agenda.name, agenda.renamed_from = "new-name", "New name", "Old name"
    agenda.save()
    response = client.get("/agendas/old-name/")
    assert response.status_code == 301
    assert response["Location"] == "/agendas/new-name/"
    assert "Formerly known as Old name" in client.get("/agendas/new-name/").content.decode()


def test_agenda_page_shows_the_reviews_facts_or_not_known(client):
    bare = ResearchAgendaFactory(slug="bare")
    html = client.get("/agendas/bare/").content.decode()
    for label in ("Status", "Target case", "Broad approach", "Full-time researchers", "Funders"):
        section = html[html.index(f"<dt>{label}</dt>") :][:120]
        assert "Not known" in section, label
    funder = OrganizationFactory(name="Grant Fund", slug="grant-fund")
    problem = AlignmentProblemFactory(name="Corrigibility is anti-natural", slug="corrigibility")
    full = ResearchAgendaFactory(
        slug="full",
        research_status="active",
        target_case="worst",
        broad_approach="cognitivist",
        fte_min=10,
        fte_max=30,
        theory_of_change="If it **works**, models are checkable.",
        superseded_by=bare,
    )
    full.funders.add(funder)
    full.problems.add(problem)
    AgendaQuickProject.objects.create(
        agenda=full, title="Replicate a result", weeks_min=1, weeks_max=4
    )
    html = client.get("/agendas/full/").content.decode()
    for text in (
        "Active",
        "Worst case",
        "Cognitivist science",
        "10–30",
        "Grant Fund",
        "Corrigibility is anti-natural",
        "<strong>works</strong>",
        "Replicate a result",
        "1–4 weeks",
        "superseded by",
    ):
        assert text in html, text


def test_comparison_shows_the_new_columns_and_sorts(client):
    few = ResearchAgendaFactory(name="Few", slug="few", order=1, fte_min=5, fte_max=5)
    many = ResearchAgendaFactory(name="Many", slug="many", order=2, fte_min=50, fte_max=80)
    unknown = ResearchAgendaFactory(name="Unknown", slug="unknown", order=0)
    problem = AlignmentProblemFactory()
    many.problems.add(problem)
    response = client.get(COMPARE)
    assert [a.slug for a in response.context["agendas"]] == ["unknown", "few", "many"]
    html = response.content.decode()
    for header in ("Status", "Target case", "Full-time researchers", "Funders"):
        assert f'<th scope="col">{header}</th>' in html
    assert 'data-label="Full-time researchers"' in html  # the 375 px card layout's labels
    by_fte = client.get(COMPARE, {"sort": "fte"}).context["agendas"]
    assert [a.slug for a in by_fte] == [many.slug, few.slug, unknown.slug]
    by_problems = client.get(COMPARE, {"sort": "problems"}).context["agendas"]
    assert by_problems[0].slug == "many"
    # A subset keeps its sort; an unknown sort is the editors' order, not an error.
    subset = client.get(COMPARE, {"agenda": ["few", "many"], "sort": "fte"})
    assert [a.slug for a in subset.context["agendas"]] == ["many", "few"]
    bad = client.get(COMPARE, {"sort": "'; drop"})
    assert bad.status_code == 200
    assert [a.slug for a in bad.context["agendas"]] == ["unknown", "few", "many"]


def test_agenda_list_by_problem_and_an_unknown_problem_is_404(client):
    problem = AlignmentProblemFactory(slug="fragile-values", name="Value is fragile")
    helps = ResearchAgendaFactory(slug="helps")
    helps.problems.add(problem)
    ResearchAgendaFactory(slug="other")
    response = client.get("/agendas/", {"problem": "fragile-values"})
    assert [a.slug for a in response.context["object_list"]] == ["helps"]
    assert "Value is fragile" in response.content.decode()
    assert client.get("/agendas/", {"problem": "x" * 500}).status_code == 404


def test_agenda_api_has_the_new_fields_and_filters(client):
    funder = OrganizationFactory(slug="funder")
    problem = AlignmentProblemFactory(slug="boxing")
    parent = ResearchAgendaFactory(slug="parent")
    agenda = ResearchAgendaFactory(slug="child", parent=parent, fte_min=3, fte_max=9)
    agenda.funders.add(funder)
    agenda.problems.add(problem)
    data = client.get("/api/v1/agendas/child/").json()
    assert data["parent"] == "parent"
    assert data["funders"] == ["funder"]
    assert data["problems"] == ["boxing"]
    assert (data["fte_min"], data["fte_max"]) == (3, 9)
    assert client.get("/api/v1/agendas/", {"problem": "boxing"}).json()["count"] == 1
    assert client.get("/api/v1/agendas/", {"funder": "funder"}).json()["count"] == 1


# ------------------------------------------------------------------- cruxes


@pytest.fixture
def crux():
    agenda = ResearchAgendaFactory(name="Agent Foundations", slug="agent-foundations")
    lab = OrganizationTypeFactory(name="Frontier lab", slug="frontier-lab")
    crux = CruxFactory(name="Won't labs accelerate capabilities?", slug="labs")
    against = CruxPositionFactory(crux=crux, stance="Against joining labs", order=0)
    against.agendas.add(agenda)
    towards = CruxPositionFactory(
        crux=crux, stance="For joining labs", order=1, arguments="- Frontier access"
    )
    towards.organization_types.add(lab)
    return crux


def test_crux_page_shows_both_sides_and_where_they_point(client, crux):
    response = client.get("/cruxes/labs/")
    html = response.content.decode()
    assert html.index("Against joining labs") < html.index("For joining labs")
    assert 'href="/agendas/agent-foundations/"' in html
    assert 'href="/organizations/?type=frontier-lab"' in html
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    )
    assert data["@type"] == "Question"
    assert [a["position"] for a in data["suggestedAnswer"]] == [1, 2]
    listing = client.get("/cruxes/").content.decode()
    assert "Against joining labs; For joining labs" in listing


def test_a_draft_crux_is_hidden_and_the_api_filters_by_agenda(client, crux):
    api = client.get("/api/v1/cruxes/labs/").json()
    assert [p["stance"] for p in api["positions"]] == ["Against joining labs", "For joining labs"]
    assert api["positions"][1]["organization_types"] == ["frontier-lab"]
    assert client.get("/api/v1/cruxes/", {"agenda": "agent-foundations"}).json()["count"] == 1
    crux.status = Status.DRAFT
    crux.save()
    assert client.get("/cruxes/labs/").status_code == 404
    assert client.get("/api/v1/cruxes/labs/").status_code == 404


def test_crux_search_finds_its_positions(client, crux):
    response = client.get("/search/", {"q": "Frontier access"})
    assert "Won&#x27;t labs accelerate capabilities?" in response.content.decode() or (
        "labs accelerate capabilities" in response.content.decode()
    )
