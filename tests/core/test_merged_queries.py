"""The helpers that load several lists in one query: each gives what the
one-query-per-list code gave, in one query."""

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from core.counts import run_counts
from core.facets import count_by, count_part, related_counts, related_counts_part
from core.models import Status
from core.prefetch import _rows_subquery, prefetch_together, totals, with_rows
from guides.models import Paper, ResearchAgenda
from organizations.models import Organization
from tests.careers.factories import RoleFactory, RoleFAQFactory
from tests.guides.factories import (
    AgendaApproachFactory,
    AlignmentProblemFactory,
    PaperFactory,
    ResearchAgendaFactory,
)
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


def test_prefetch_together_with_a_limit_keeps_each_lists_first_rows_and_counts_them_all():
    agenda = ResearchAgendaFactory()
    names = ["E", "A", "D", "B", "C"]
    orgs = {name: OrganizationFactory(name=name) for name in names}
    draft = OrganizationFactory(name="0 draft", status=Status.DRAFT)
    agenda.key_organizations.set([*orgs.values(), draft])
    agenda.funders.set([orgs["E"], orgs["D"]])
    ResearchAgendaFactory().key_organizations.set([OrganizationFactory(name="0 other")])
    agenda = ResearchAgenda.objects.get(pk=agenda.pk)
    published = Organization.objects.published().order_by("name")
    with CaptureQueriesContext(connection) as ctx:
        found = prefetch_together(
            agenda,
            published,
            ("key_organizations", "funders"),
            limit=2,
            after_b=Q(name__gt="B"),
        )
        key_orgs = list(agenda.key_organizations.all())
        funders = list(agenda.funders.all())
    assert len(ctx.captured_queries) == 1
    # The first two of each list in the queryset's order; the draft is in no list.
    assert (
        [org.name for org in key_orgs] == ["A", "B"] == [o.name for o in found["key_organizations"]]
    )
    assert [org.name for org in funders] == ["D", "E"]
    assert [org.name for org in found["after_b"]] == ["C", "D"]
    assert totals(agenda) == {"key_organizations": 5, "funders": 2, "after_b": 3}


def test_prefetch_together_with_a_limit_counts_an_empty_list_as_none():
    agenda = ResearchAgendaFactory()
    agenda.funders.set([OrganizationFactory(status=Status.DRAFT)])
    found = prefetch_together(
        agenda, Organization.objects.published(), ("key_organizations", "funders"), limit=3
    )
    assert found == {"key_organizations": [], "funders": []}
    assert totals(agenda) == {"key_organizations": 0, "funders": 0}
    assert list(agenda.funders.all()) == []


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


def _rows(records):
    """Each record's model, primary key and every column's value, as loaded."""
    return [
        (type(r), r.pk, [getattr(r, f.attname) for f in r._meta.concrete_fields]) for r in records
    ]


def test_with_rows_gives_what_prefetch_related_gives_in_the_records_own_query():
    first, second, _empty = (ResearchAgendaFactory() for _ in range(3))
    # Ties on ``order`` broken by the primary key; names whose order depends on case.
    for name, order in (("b", 2), ("a", 1), ("C", 1)):
        AgendaApproachFactory(agenda=first, name=name, order=order)
    AgendaApproachFactory(agenda=second, order=0)
    problems = [
        AlignmentProblemFactory(name=name, order=order)
        for name, order in (("Zeta", 1), ("alpha", 1), ("Beta", 0))
    ]
    first.problems.set(problems)
    second.problems.set(problems[:1])
    first.tags.add("y-tag", "x-tag")
    relations = ("approaches", "quick_projects", "problems", "tags")
    agendas = ResearchAgenda.objects.order_by("pk")
    expected = [
        {name: _rows(getattr(agenda, name).all()) for name in relations}
        for agenda in agendas.prefetch_related(*relations)
    ]
    with CaptureQueriesContext(connection) as ctx:
        found = list(with_rows(agendas, *relations))
        got = [{name: _rows(getattr(agenda, name).all()) for name in relations} for agenda in found]
        parents = {approach.agenda for approach in found[0].approaches.all()}
    assert len(ctx.captured_queries) == 1
    for rows in (*expected, *got):  # tags have no order of their own
        rows["tags"].sort(key=lambda row: row[1])
    assert got == expected
    assert [a.name for a in found[0].approaches.all()] == ["a", "C", "b"]
    assert len(got[0]["problems"]) == 3 and got[2] == {name: [] for name in relations}
    assert parents == {found[0]}  # each child row knows its parent, no query


def test_with_rows_reads_values_as_their_columns_do():
    role = RoleFactory()
    RoleFAQFactory(role=role, answer="**Yes.**")
    with CaptureQueriesContext(connection) as ctx:
        faq = with_rows(type(role).objects.filter(pk=role.pk), "faqs").get().faqs.all()[0]
    assert len(ctx.captured_queries) == 1
    assert faq.answer_html.strip() == "<p><strong>Yes.</strong></p>"
    assert hasattr(faq.answer_html, "__html__")  # marked safe, as when read from its column
    assert not faq._state.adding and faq._state.db == "default"


def test_with_rows_builds_each_relations_subquery_once_and_reuses_it_unchanged():
    first, second = ResearchAgendaFactory(), ResearchAgendaFactory()
    first.tags.add("alpha")
    second.tags.add("beta", "gamma")
    subquery = _rows_subquery(ResearchAgenda, "tags")
    before = (list(subquery.query.alias_map), repr(subquery.query.where))
    for agenda, names in ((first, ["alpha"]), (second, ["beta", "gamma"]), (first, ["alpha"])):
        found = with_rows(ResearchAgenda.objects.filter(pk=agenda.pk), "tags", "problems").get()
        assert sorted(tag.name for tag in found.tags.all()) == names
    assert _rows_subquery(ResearchAgenda, "tags") is subquery
    assert (list(subquery.query.alias_map), repr(subquery.query.where)) == before
