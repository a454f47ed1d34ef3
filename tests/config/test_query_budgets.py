"""Every reader page type runs the same number of SQL queries whatever the data size.

One place, all page types: the synthetic generator fills the database at a
small and at an eight times larger scale (same shape: every record has child
rows, links and tags), and each page's query count must not change. The page
owners' own tests check the same for their pages with hand-made data; this
one guards against a page growing an N+1 as the data grows. (Page cache off,
as in every test that does not turn it on.)
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from careers.models import Background, CareerStage, Program, Role
from guides.models import Crux, FailureMode, Guide, Paper, ResearchAgenda
from organizations.models import Organization

pytestmark = pytest.mark.django_db

SMALL, LARGE = 0.0015, 0.012  # 15 → 120 organizations, 30 → 240 papers, 8 → 60 roles…
# No page needs more than this many queries (issue 16's target).
CEILING = 10


def first(model):
    return model.objects.published().order_by("pk").first()


def page_urls() -> dict[str, str]:
    tag = Tag.objects.filter(taggit_taggeditem_items__isnull=False).order_by("pk").first()
    agenda = first(ResearchAgenda)
    # Filters chosen so that they match something at both sizes (an empty result
    # skips the page query, which is not what this test is about).
    org, role, paper = first(Organization), first(Role), first(Paper)
    org_agenda = org.agendas.order_by("pk").first() or agenda
    paper_agenda = paper.agendas.order_by("pk").first()
    agenda_with_problem = (
        ResearchAgenda.objects.published().filter(problems__isnull=False).order_by("pk").first()
    )
    staged = Program.objects.published().filter(career_stages__isnull=False).first()
    program_status = Program.objects.published().with_application_status().first().application_state
    return {
        "home": "/",
        "search": "/search/?q=interpretability",
        "search by type": "/search/?q=safety&type=paper",
        "tag list": "/tags/",
        "tag detail": f"/tags/{tag.slug}/",
        "organization list": "/organizations/",
        "organization list filtered": f"/organizations/?type={org.type.slug}",
        "organization list by agenda": f"/organizations/?agenda={org_agenda.slug}",
        "organization detail": org.get_absolute_url(),
        "role list": "/roles/",
        "role list filtered": f"/roles/?category={role.category.slug}&sort=-salary",
        "role detail": role.get_absolute_url(),
        "program list": "/programs/",
        "program detail": first(Program).get_absolute_url(),
        "program list filtered and sorted": (
            f"/programs/?stage={staged.career_stages.first().slug}&sort=deadline"
        ),
        "program list by status": f"/programs/?status={program_status}",
        "background list": "/backgrounds/",
        "background detail": first(Background).get_absolute_url(),
        "crux list": "/cruxes/",
        "crux detail": first(Crux).get_absolute_url(),
        "agenda compare sorted": "/agendas/compare/?sort=fte",
        "agenda list by problem": (
            f"/agendas/?problem={agenda_with_problem.problems.order_by('pk').first().slug}"
        ),
        "agenda list": "/agendas/",
        "agenda compare": "/agendas/compare/",
        "agenda detail": agenda.get_absolute_url(),
        "paper list": "/papers/",
        "paper list page 2": "/papers/?page=2",
        "paper list filtered": f"/papers/?agenda={paper_agenda.slug}&kind={paper.kind}",
        "paper detail": paper.get_absolute_url(),
        "failure mode list": "/failure-modes/",
        "failure mode detail": first(FailureMode).get_absolute_url(),
        "guide list": "/guides/",
        "guide detail": first(Guide).get_absolute_url(),
        "site feed": "/feed.atom",
        "decision page start": "/find-your-direction/",
        "decision page plan": "/find-your-direction/?" + plan_query(),
        "decision page plan as JSON": "/api/v1/plan/?" + plan_query(),
        "decision page plan calendar": "/find-your-direction/plan.ics?" + plan_query(),
        "decision page plan feed": "/find-your-direction/feed.atom?" + plan_query(),
        "sitemap": "/sitemap.xml",
    }


def plan_query() -> str:
    """Answers that match something at both sizes: the first of each kind of choice."""
    query = ["hours=10", "where=online", "paid=on"]
    background = first(Background)
    bet = ResearchAgenda.objects.published().exclude(if_you_believe="").order_by("pk").first()
    mode = first(FailureMode)
    career = CareerStage.objects.order_by("pk").first()
    for name, record in (("background", background), ("bet", bet), ("concern", mode)):
        if record is not None:
            query.append(f"{name}={record.slug}")
    if career is not None:
        query.append(f"career={career.slug}")
    return "&".join(query)


def query_counts(scale: float, flush: bool) -> dict[str, int]:
    call_command("generate_synthetic_content", scale=scale, seed=3, flush=flush, verbosity=0)
    client = Client()
    counts = {}
    for name, url in page_urls().items():
        client.get(url)  # warm: content types, site settings and the like
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        counts[name] = len(ctx.captured_queries)
    return counts


def test_every_page_runs_a_constant_number_of_queries():
    small = query_counts(SMALL, flush=False)
    large = query_counts(LARGE, flush=True)
    assert Paper.objects.count() >= 8 * 30  # the data did grow
    grew = {name: (small[name], large[name]) for name in small if large[name] != small[name]}
    assert not grew, f"query count changed with the data size (small, large): {grew}"
    over = {name: count for name, count in large.items() if count > CEILING}
    assert not over, f"pages over {CEILING} queries: {over}"
