"""The helpers that load several lists in one query: each gives what the
one-query-per-list code gave, in one query."""

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from core.facets import count_by, count_part, related_counts, related_counts_part, run_counts
from core.models import Status
from core.prefetch import prefetch_together
from guides.models import Paper, ResearchAgenda
from organizations.models import Organization
from tests.guides.factories import PaperFactory, ResearchAgendaFactory
from tests.organizations.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_prefetch_together_fills_each_relation_from_one_query():
    agenda = ResearchAgendaFactory()
    key, both = OrganizationFactory(name="B"), OrganizationFactory(name="A")
    funder = OrganizationFactory(name="C")
    draft = OrganizationFactory(name="D", status=Status.DRAFT)
    agenda.key_organizations.set([key, both, draft])
    agenda.funders.set([both, funder])
    other = ResearchAgendaFactory()
    other.funders.set([key])
    agenda = ResearchAgenda.objects.get(pk=agenda.pk)
    published = Organization.objects.published().order_by("name")
    with CaptureQueriesContext(connection) as ctx:
        found = prefetch_together(
            agenda, published, ("key_organizations", "funders"), named_b=Q(name="B")
        )
        key_orgs = list(agenda.key_organizations.all())
        funders = list(agenda.funders.all())
    assert len(ctx.captured_queries) == 1
    assert key_orgs == [both, key] == found["key_organizations"]
    assert funders == [both, funder] == found["funders"]
    assert found["named_b"] == [key]


def test_run_counts_gives_what_count_by_and_related_counts_give_in_one_query():
    agenda, other = ResearchAgendaFactory(), ResearchAgendaFactory()
    papers = [PaperFactory(kind=kind) for kind in ("paper", "paper", "book")]
    papers[0].agendas.set([agenda, other])
    papers[1].agendas.set([agenda])
    PaperFactory(kind="book", status=Status.DRAFT).agendas.set([other])
    published = Paper.objects.published()
    expected = [
        count_by(published, "kind"),
        count_by(published, "agendas__slug"),
        related_counts(published, "agendas", ResearchAgenda.objects.published()),
    ]
    with CaptureQueriesContext(connection) as ctx:
        counts = run_counts(
            [
                count_part(published, "kind"),
                count_part(published, "agendas__slug"),
                related_counts_part(published, "agendas", ResearchAgenda.objects.published()),
            ]
        )
    assert len(ctx.captured_queries) == 1
    assert counts == expected
    assert counts[0] == {"paper": 2, "book": 1}
    assert counts[2] == {agenda.pk: 2, other.pk: 1}
