"""Site-wide search (issue 4): index upkeep, publication, facets, hostile input, escaping.

Most tests run on every database: on SQLite they exercise the simple matcher, on
PostgreSQL the full-text one. Tests of PostgreSQL-only behaviour (stemming,
ranking by SearchRank, trigram typo tolerance, SearchHeadline, the GIN index)
are skipped elsewhere with the reason; CI runs the suite on PostgreSQL too.
"""

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core import registry
from core.models import Status
from guides.models import Paper
from search import query as search
from search.models import SearchEntry
from tests.careers.factories import BackgroundFactory
from tests.factories import (
    AgendaApproachFactory,
    FailureModeFactory,
    GuideFactory,
    GuideStepFactory,
    OrganizationFactory,
    PaperFactory,
    ProgramFactory,
    ResearchAgendaFactory,
    RoleDutyFactory,
    RoleFactory,
)
from tests.guides.factories import CruxFactory

pytestmark = pytest.mark.django_db

IS_POSTGRES = connection.vendor == "postgresql"
postgres_only = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not IS_POSTGRES,
        reason="PostgreSQL-only: full-text search (tsvector, SearchRank, SearchHeadline, "
        "english stemming) and pg_trgm typo tolerance; run with DATABASE_URL=postgres://…",
    ),
]

URL = reverse("search:search")


def get(client, **params):
    return client.get(URL, params)


def titles(response):
    return [hit.title for hit in response.context["hits"]]


def result_titles(text, record_type=None):
    results = search.search(search.clean_query(text).text, record_type)
    return [entry.title for entry in results.entries]


# --- The index follows the records ---------------------------------------------------


def test_saving_a_record_indexes_it():
    org = OrganizationFactory(name="Aligned Futures", summary="A safety lab.")
    entry = SearchEntry.objects.get(record_type="organization", object_id=org.pk)
    assert entry.title == "Aligned Futures"
    assert entry.summary == "A safety lab."
    assert entry.url == org.get_absolute_url()
    assert "Markdown description" in entry.body  # Markdown rendered to plain text
    assert "**" not in entry.body


def test_editing_a_record_updates_its_entry():
    # A fixed summary: Faker's random sentences may contain "old" (or any word).
    paper = PaperFactory(name="Old title", summary="A paper.")
    paper.name = "Sparse autoencoders at scale"
    paper.slug = "sparse-autoencoders"
    paper.save()
    entry = SearchEntry.objects.get(record_type="paper", object_id=paper.pk)
    assert entry.title == "Sparse autoencoders at scale"
    assert entry.url == "/papers/sparse-autoencoders/"
    assert result_titles("autoencoders") == ["Sparse autoencoders at scale"]
    assert result_titles("old") == []


def test_deleting_a_record_removes_its_entry():
    role = RoleFactory(name="Red teamer")
    RoleDutyFactory(role=role, text="Probe models")
    role.delete()
    assert not SearchEntry.objects.filter(record_type="role").exists()
    assert result_titles("teamer") == []


def test_child_rows_are_part_of_the_parents_document():
    role = RoleFactory(name="Evaluator")
    duty = RoleDutyFactory(role=role, text="Design dangerous-capability benchmarks")
    assert result_titles("benchmarks") == ["Evaluator"]
    duty.delete()
    assert result_titles("benchmarks") == []

    agenda = ResearchAgendaFactory(name="Scalable oversight")
    AgendaApproachFactory(agenda=agenda, name="Debate", description="Two models argue.")
    assert result_titles("debate") == ["Scalable oversight"]

    guide = GuideFactory(name="Start here")
    GuideStepFactory(guide=guide, title="Read about quines", body="Self-reproducing programs.")
    assert result_titles("quines") == ["Start here"]


def test_tag_changes_reindex_the_record():
    fm = FailureModeFactory(name="Reward hacking")
    assert result_titles("specification") == []
    fm.tags.add("specification")
    assert result_titles("specification") == ["Reward hacking"]
    fm.tags.remove("specification")
    assert result_titles("specification") == []


def test_rebuild_command_indexes_records_created_without_signals():
    Paper.objects.bulk_create(
        [
            Paper(
                name=f"Bulk paper {i}",
                slug=f"bulk-{i}",
                status=Status.PUBLISHED,
                publish_at=timezone.now() - timezone.timedelta(days=1),
            )
            for i in range(3)
        ]
    )
    assert result_titles("bulk") == []
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "Indexed 3 records" in out.getvalue()
    assert sorted(result_titles("bulk")) == ["Bulk paper 0", "Bulk paper 1", "Bulk paper 2"]


def test_every_record_type_is_indexed_with_its_label():
    RoleFactory(name="Zephyr role")
    ResearchAgendaFactory(name="Zephyr agenda")
    OrganizationFactory(name="Zephyr organization")
    PaperFactory(name="Zephyr paper")
    ProgramFactory(name="Zephyr program")
    FailureModeFactory(name="Zephyr failure mode")
    GuideFactory(name="Zephyr guide")
    BackgroundFactory(name="Zephyr background")
    CruxFactory(name="Zephyr crux?")
    covered = {
        "role",
        "agenda",
        "organization",
        "paper",
        "program",
        "failure-mode",
        "guide",
        "background",
        "crux",
    }
    results = search.search("zephyr")
    assert results.counts == dict.fromkeys(covered, 1)
    assert set(registry.slugs()) - covered == {"gadget"}  # the tests' own type, searched apart
    hits = results.hits(results.entries)
    labels = {registry.get(slug).display_label for slug in covered}
    assert {hit.type_label for hit in hits} == labels


# --- Publication -----------------------------------------------------------------------


def test_drafts_and_unpublished_records_never_appear(client):
    PaperFactory(name="Visible lantern")
    PaperFactory(name="Draft lantern", status=Status.DRAFT)
    PaperFactory(name="Review lantern", status=Status.REVIEW)
    PaperFactory(name="Future lantern", publish_at=timezone.now() + timezone.timedelta(days=3))
    OrganizationFactory(name="Draft lantern org", status=Status.DRAFT)

    response = get(client, q="lantern")
    assert titles(response) == ["Visible lantern"]
    assert response.context["results"].counts == {"paper": 1}
    body = response.content.decode()
    assert "Draft lantern" not in body
    assert "Future lantern" not in body
    # Not even through a type filter or a spelling suggestion.
    assert titles(get(client, q="lantern", type="organization")) == []
    assert "Draft" not in get(client, q="lanternn org").content.decode()


def test_unpublishing_through_a_bulk_update_hides_the_record():
    paper = PaperFactory(name="Quasar paper")
    assert result_titles("quasar") == ["Quasar paper"]
    # Admin actions use QuerySet.update(), which sends no signals.
    Paper.objects.filter(pk=paper.pk).update(status=Status.DRAFT)
    assert result_titles("quasar") == []


def test_entries_copy_the_records_publication():
    paper = PaperFactory(name="Copy check", status=Status.REVIEW)
    entry = SearchEntry.objects.get(object_id=paper.pk)
    assert (entry.status, entry.publish_at) == (Status.REVIEW, paper.publish_at)
    paper.status = Status.PUBLISHED
    paper.save()
    entry.refresh_from_db()
    assert entry.status == Status.PUBLISHED


def test_search_entry_published_is_the_publishable_queryset_rule():
    from core.models import PublishableQuerySet
    from search.models import SearchEntryQuerySet

    assert issubclass(SearchEntryQuerySet, PublishableQuerySet)
    published = PaperFactory(name="One")
    PaperFactory(name="Two", status=Status.DRAFT)
    PaperFactory(name="Three", publish_at=timezone.now() + timezone.timedelta(days=1))
    ids = set(SearchEntry.objects.published().values_list("object_id", flat=True))
    assert ids == set(Paper.objects.published().values_list("pk", flat=True)) == {published.pk}


# --- The results page ------------------------------------------------------------------


def test_header_search_form_is_on_every_page(client):
    html = client.get(reverse("core:home")).content.decode()
    assert re.search(r'<form[^>]+role="search"[^>]+action="/search/"[^>]+method="get"', html)
    assert 'name="q"' in html


def test_results_show_type_title_link_and_snippet(client):
    org = OrganizationFactory(
        name="Orchard Institute", summary="Studies how orchards of models grow."
    )
    response = get(client, q="orchard")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{org.get_absolute_url()}"' in html
    assert "Orchard Institute" in html
    assert '<p class="search-hit-type">Organization</p>' in html
    assert "<mark>" in html
    assert html.count("<h1") == 1
    assert '<label for="search-page-q">' in html
    assert '<meta name="robots" content="noindex">' in html


def test_title_matches_come_first(client):
    PaperFactory(name="Unrelated", summary="Nothing here.", description="All about gradient.")
    PaperFactory(name="Gradient hacking", summary="Nothing here.", description="Other text.")
    assert titles(get(client, q="gradient")) == ["Gradient hacking", "Unrelated"]


def test_facet_counts_and_type_filter(client):
    PaperFactory.create_batch(3, summary="Mentions the word nebula.")
    OrganizationFactory.create_batch(2, summary="A nebula lab.")
    RoleFactory(summary="Nebula engineer.")
    PaperFactory(summary="No match.")

    response = get(client, q="nebula")
    assert response.context["results"].counts == {"paper": 3, "organization": 2, "role": 1}
    assert response.context["results"].count == 6
    facet = {o.value: o.count for o in response.context["type_facet"].options}
    assert facet == {"paper": 3, "organization": 2, "role": 1}
    html = response.content.decode()
    assert 'href="/search/?q=nebula&amp;type=organization"' in html

    filtered = get(client, q="nebula", type="organization")
    assert len(titles(filtered)) == 2
    assert {hit.record_type for hit in filtered.context["hits"]} == {"organization"}
    # Facets still count every type, so the reader can switch.
    assert filtered.context["results"].counts["paper"] == 3
    assert "2 results" in filtered.content.decode()


def test_unknown_type_is_ignored_with_a_note(client):
    PaperFactory(name="Comet paper")
    response = get(client, q="comet", type="spaceship<script>")
    assert response.status_code == 200
    assert titles(response) == ["Comet paper"]
    html = response.content.decode()
    assert "There is no record type called" in html
    assert "spaceship&lt;script&gt;" in html


def test_pagination(client):
    PaperFactory.create_batch(25, summary="Pulsar survey.")
    first = get(client, q="pulsar")
    assert len(titles(first)) == 20
    assert 'rel="next"' in first.content.decode()
    second = get(client, q="pulsar", page=2)
    assert len(titles(second)) == 5
    assert set(titles(first)).isdisjoint(titles(second))
    assert get(client, q="pulsar", page=3).status_code == 404
    assert get(client, q="pulsar", page="x").status_code == 404


def test_search_is_two_queries_whatever_the_number_of_results(
    client, django_assert_num_queries, django_assert_max_num_queries
):
    PaperFactory.create_batch(30, summary="Quantum widget.")
    OrganizationFactory.create_batch(10, summary="Quantum widget.")
    # Facet counts, then the ranked page with its snippets.
    with django_assert_num_queries(2):
        results = search.search("quantum widget")
        hits = results.hits(results.entries[:20])
    assert results.count == 40
    assert len(hits) == 20
    with django_assert_max_num_queries(4):  # the page: the same two, plus any middleware
        response = get(client, q="quantum widget")
    assert response.context["results"].count == 40


def test_misspelling_offers_or_uses_a_correction(client):
    ResearchAgendaFactory(name="Mechanistic interpretability", summary="Reverse-engineer nets.")
    response = get(client, q="interpretabilty")
    results = response.context["results"]
    assert titles(response) == ["Mechanistic interpretability"]
    assert results.corrected_from == "interpretabilty"
    assert results.suggestion == "interpretability"
    assert "Showing results for" in response.content.decode()


# --- Hostile input ---------------------------------------------------------------------

HOSTILE = [
    "",
    "   ",
    "\t\n",
    "a" * 10_000,
    "interpretability " * 1_000,
    "\x00",
    "inter\x00pretability",
    "%",
    "_",
    "%_%",
    "'",
    '"',
    '"unterminated phrase',
    "''",
    "' OR 1=1 --",
    "'; DROP TABLE core_searchentry; --",
    "1); SELECT pg_sleep(5); --",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "ünïcödé 日本語 العربية 🚀",
    "\u202eevil",
    "\ue000marked\ue001",
    "a & b | !c",
    "!!!",
    "(",
    ")",
    ":*",
    "\\",
    "-",
    "or",
    "the",
    "a:* & b:A",
]


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_give_a_clear_page(client, query):
    PaperFactory(name="Interpretability survey", summary="All about it.")
    response = get(client, q=query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html
    # (The site header echoes ?q= as typed; the search page's own markup never has NUL.)
    assert "\x00" not in html.split("<main", 1)[1]
    assert html.count("<h1") == 1


@pytest.mark.parametrize("type_", ["", "x" * 5_000, "\x00", "paper\x00", "%", "<b>"])
def test_hostile_type_values_give_a_clear_page(client, type_):
    response = get(client, q="anything", type=type_)
    assert response.status_code == 200
    assert "<b>" not in response.content.decode().split("<main", 1)[1]


def test_empty_query_shows_a_prompt(client):
    PaperFactory(name="Something")
    response = get(client, q="  ")
    assert response.status_code == 200
    assert response.context["hits"] == []
    assert "Type a word or two" in response.content.decode()


def test_long_query_is_truncated_and_says_so(client):
    response = get(client, q="x" * 10_000)
    assert response.status_code == 200
    assert response.context["query"] == "x" * search.MAX_QUERY_LENGTH
    assert "only its first 200 characters were used" in response.content.decode()


def test_nul_bytes_are_stripped_and_the_search_still_works(client):
    PaperFactory(name="Tokamak design")
    assert get(client, q="toka\x00mak").status_code == 200  # NUL becomes a space
    assert titles(get(client, q="\x00tokamak\x00")) == ["Tokamak design"]


def test_like_wildcards_are_literal(client):
    PaperFactory(name="Plain title", summary="Nothing special.")
    assert titles(get(client, q="%")) == []
    assert titles(get(client, q="_")) == []


def test_record_text_cannot_inject_html(client):
    PaperFactory(
        name="Widget <script>alert(1)</script>",
        summary='Widget summary <img src=x onerror="alert(2)"> & more',
        description="Widget body <b>bold</b> <script>alert(3)</script>",
    )
    html = get(client, q="widget").content.decode()
    main = html.split("<main", 1)[1]
    assert "<script>" not in main
    assert "<img" not in main
    assert "<b>" not in main
    assert "Widget &lt;script&gt;alert(1)&lt;/script&gt;" in main
    assert "<mark>" in main


def test_highlight_escapes_before_marking():
    text = f"<b>x</b> {search.START_SEL}<i>y</i>{search.STOP_SEL} {search.STOP_SEL}&"
    assert search.highlight(text) == "&lt;b&gt;x&lt;/b&gt; <mark>&lt;i&gt;y&lt;/i&gt;</mark> &amp;"


def test_indexed_text_cannot_contain_sentinels_or_nul():
    PaperFactory(name=f"Evil{search.START_SEL}title", summary=f"a{search.STOP_SEL}b")
    entry = SearchEntry.objects.get()
    assert search.START_SEL not in entry.title
    assert search.STOP_SEL not in entry.summary
    # SQLite stores NUL, PostgreSQL refuses it: the index never holds one either way.
    assert search.clean_text("a\x00b\x07c") == "a b c"


def test_clean_query():
    assert search.clean_query("  a \x00 b\n\tc  ") == search.CleanQuery("a b c", False)
    long = search.clean_query("y" * 500)
    assert long.truncated and len(long.text) == search.MAX_QUERY_LENGTH


# --- PostgreSQL only -------------------------------------------------------------------


def pg(func):
    for marker in postgres_only:
        func = marker(func)
    return func


@pg
def test_pg_title_match_outranks_body_only_match():
    PaperFactory(
        name="Notes on training",
        summary="General notes.",
        description="Corrigibility corrigibility corrigibility is discussed at length here.",
    )
    PaperFactory(name="Corrigibility", summary="A short paper.", description="Other words.")
    results = search.search("corrigibility")
    ranked = list(results.entries)
    assert [e.title for e in ranked] == ["Corrigibility", "Notes on training"]
    assert ranked[0].rank > ranked[1].rank


@pg
def test_pg_summary_match_outranks_body_only_match():
    PaperFactory(name="Alpha", summary="Nothing.", description="About sycophancy.")
    PaperFactory(name="Beta", summary="About sycophancy.", description="Nothing.")
    assert result_titles("sycophancy") == ["Beta", "Alpha"]


@pg
def test_pg_english_stemming():
    ResearchAgendaFactory(name="Mechanistic interpretability")
    PaperFactory(name="Unrelated", description="Models generalizing out of distribution.")
    assert result_titles("interpretable") == ["Mechanistic interpretability"]
    assert result_titles("generalize") == ["Unrelated"]


@pg
def test_pg_typo_tolerance_finds_the_record():
    ResearchAgendaFactory(name="Mechanistic interpretability")
    OrganizationFactory(name="Alignment Research Center")
    results = search.search("interpretabilty")
    assert [e.title for e in results.entries] == ["Mechanistic interpretability"]
    assert results.corrected_from == "interpretabilty"
    results = search.search("alignmnet reserch")
    assert [e.title for e in results.entries] == ["Alignment Research Center"]
    assert results.suggestion == "alignment research"


@pg
def test_pg_typo_suggestion_never_comes_from_drafts():
    ResearchAgendaFactory(name="Confidential moonshot", status=Status.DRAFT)
    results = search.search("moonshoot")
    assert results.total == 0
    assert results.suggestion is None


@pg
def test_pg_websearch_syntax():
    PaperFactory(name="Reward hacking in practice", summary="A paper.")
    PaperFactory(name="Hacking the reward model", summary="Economics.")
    assert result_titles('"reward hacking"') == ["Reward hacking in practice"]
    assert result_titles("hacking -economics") == ["Reward hacking in practice"]


@pg
def test_pg_facet_counts_match_the_results():
    PaperFactory.create_batch(4, description="Discusses deception in models.")
    FailureModeFactory.create_batch(2, body="Deceptive alignment.")  # stems to "decept"
    RoleFactory(overview="Unrelated work.")
    results = search.search("deceptive")
    assert results.counts == {"paper": 4, "failure-mode": 2}
    assert results.count == 6
    assert len(list(search.search("deceptive", "failure-mode").entries)) == 2


@pg
def test_pg_headline_snippet_is_escaped_and_highlighted():
    PaperFactory(
        name="Safety case",
        summary="Intro.",
        description="Before <script>alert(1)</script> the argument about robustness & more.",
    )
    results = search.search("robustness")
    [hit] = results.hits(results.entries)
    assert "<mark>robustness</mark>" in hit.snippet
    assert "<script>" not in hit.snippet
    assert "&amp;" in hit.snippet


@pg
def test_pg_publishing_through_a_bulk_update_shows_the_record():
    paper = PaperFactory(name="Pulsar draft", status=Status.DRAFT)
    assert result_titles("pulsar") == []
    # The admin's "publish" action: QuerySet.update(), no signals; the trigger copies it.
    Paper.objects.filter(pk=paper.pk).update(status=Status.PUBLISHED)
    assert result_titles("pulsar") == ["Pulsar draft"]
    Paper.objects.filter(pk=paper.pk).update(publish_at=timezone.now() + timezone.timedelta(1))
    assert result_titles("pulsar") == []


@pg
def test_pg_every_record_table_has_the_publication_trigger():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = %s",
            ["search_sync_publication"],
        )
        tables = {row[0] for row in cursor.fetchall()}
    expected = {rt.model._meta.db_table for rt in registry.record_types()}
    assert tables == expected, "a record type was added without its publication trigger"


@pg
def test_pg_vector_is_stored_and_gin_indexes_exist():
    paper = PaperFactory(name="Vector check")
    entry = SearchEntry.objects.get(object_id=paper.pk)
    assert entry.search_vector is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_searchentry'"
        )
        indexes = dict(cursor.fetchall())
    assert "USING gin (search_vector)" in indexes["search_searchentry_vector_gin"]
    assert "gin_trgm_ops" in indexes["search_searchentry_title_trgm"]


@pg
def test_pg_search_uses_the_gin_index():
    PaperFactory.create_batch(5)
    backend = search.get_backend()
    queryset = backend.matches(SearchEntry.objects.all(), "interpretability")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert "search_searchentry_vector_gin" in plan
