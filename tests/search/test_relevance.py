"""Search relevance: names first, phrase and prefix over scattered words, type words.

The judged query set (bench/search_judgments.json, 60 queries over the demo
content) runs here at a floor a little below the measured figures
(docs/performance.md: SQLite success@1 0.983, PostgreSQL 1.000), so a change
that makes ranking worse fails the suite.
"""

import io

import pytest
from django.core.management import call_command

from bench.search_relevance import evaluate, load_judgments
from search import query as search
from tests.factories import (
    FailureModeFactory,
    GuideFactory,
    OrganizationFactory,
    PaperFactory,
    ProgramFactory,
    ResearchAgendaFactory,
)

pytestmark = pytest.mark.django_db

SUCCESS_AT_1_FLOOR = 0.95
SUCCESS_AT_3_FLOOR = 0.98
MRR_FLOOR = 0.96


def first_titles(text, n=3):
    results = search.search(search.clean_query(text).text)
    return [entry.title for entry in results.entries[:n]]


def test_judged_query_set_meets_its_floor():
    call_command("load_demo_content", stdout=io.StringIO())
    judgments = load_judgments()
    assert len(judgments) >= 40
    report = evaluate(judgments)
    misses = "\n".join(f"{o.query!r}: rank {o.rank}, first {o.first}" for o in report.misses())
    assert report.success_at(1) >= SUCCESS_AT_1_FLOOR, f"{report.summary()}\n{misses}"
    assert report.success_at(3) >= SUCCESS_AT_3_FLOOR, f"{report.summary()}\n{misses}"
    assert report.mrr >= MRR_FLOOR, f"{report.summary()}\n{misses}"


def test_report_arithmetic():
    from bench.search_relevance import Outcome, Report

    report = Report([Outcome("a", 1, None), Outcome("b", 2, None), Outcome("c", None, None)])
    assert report.success_at(1) == pytest.approx(1 / 3)
    assert report.success_at(3) == pytest.approx(2 / 3)
    assert report.mrr == pytest.approx((1 + 0.5) / 3)


def test_the_record_named_by_the_query_comes_first():
    PaperFactory(
        name="Scaling Quasitronics: Extracting Quasitronic Features",
        summary="Quasitronics at scale, quasitronics everywhere.",
        description="Quasitronics quasitronics quasitronics.",
    )
    ResearchAgendaFactory(name="Quasitronics", summary="A research agenda.")
    assert first_titles("quasitronics")[0] == "Quasitronics"


def test_an_acronym_finds_the_organization_before_its_programs():
    OrganizationFactory(name="Zeta Research Institute (ZRI)", summary="A lab.")
    ProgramFactory(name="ZRI summer fellowships", summary="Run by ZRI.")
    ProgramFactory(name="Fellowships", summary="Mentions ZRI in passing.")
    assert first_titles("zri") == [
        "Zeta Research Institute (ZRI)",
        "ZRI summer fellowships",
        "Fellowships",
    ]


def test_a_phrase_in_the_name_beats_scattered_words():
    PaperFactory(name="Harmless gradients and robust widgets", summary="Robust. Gradient.")
    PaperFactory(name="Robust gradient methods", summary="Other.")
    assert first_titles("robust gradient")[0] == "Robust gradient methods"


def test_words_joined_by_a_hyphen_match_words_with_a_space():
    FailureModeFactory(name="Mesa-Quibbling", summary="Inner quibbling.")
    PaperFactory(name="On quibbling", summary="About mesa quibbling and more.")
    assert first_titles("mesa quibbling")[0] == "Mesa-Quibbling"


def test_a_prefix_of_the_name_finds_it_first():
    ResearchAgendaFactory(name="Interpretability", summary="Looking inside networks.")
    PaperFactory(
        name="Scaling features: interpretable units",
        summary="Interpretable features from a large model.",
    )
    assert first_titles("interp")[0] == "Interpretability"


def test_a_type_word_puts_that_type_first_and_is_not_searched_for():
    GuideFactory(name="For Wanderers", summary="Where to start.")
    PaperFactory(name="Wanderers and their walks", summary="For wanderers.")
    assert first_titles("guide for wanderers")[0] == "For Wanderers"
    assert first_titles("wanderers paper")[0] == "Wanderers and their walks"


def test_type_hint_only_for_plain_queries_of_two_words_or_more():
    assert search.type_hint("guide for researchers") == ("guide", "for researchers")
    assert search.type_hint("anthropic programs") == ("program", "anthropic")
    assert search.type_hint("guides") == (None, "guides")
    assert search.type_hint('"guide for" researchers') == (None, '"guide for" researchers')


def test_a_type_word_that_finds_nothing_of_its_type_is_searched_as_a_word():
    PaperFactory(name="The paper trail", summary="About a paper trail.")
    assert first_titles("paper trail")[0] == "The paper trail"
