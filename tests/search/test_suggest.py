"""Type-ahead: /search/suggest/ (JSON, cached, rate-limited) and the header's script."""

import pytest
from django.test import override_settings

from search import views
from tests.factories import OrganizationFactory, PaperFactory, ProgramFactory, ResearchAgendaFactory

pytestmark = pytest.mark.django_db

URL = "/search/suggest/"


def titles(response):
    return [s["title"] for s in response.json()["suggestions"]]


def test_suggests_names_best_first_with_type_and_url(client):
    agenda = ResearchAgendaFactory(name="Interpretability", summary="Inside networks.")
    PaperFactory(name="Scaling features: interpretable units", summary="Interpretable.")
    PaperFactory(name="Unrelated", summary="Mentions interpretability only in the summary.")
    response = client.get(URL, {"q": "interp"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert titles(response) == ["Interpretability", "Scaling features: interpretable units"]
    first = response.json()["suggestions"][0]
    assert first == {
        "title": "Interpretability",
        "type": "Research agenda",
        "url": agenda.get_absolute_url(),
    }
    assert "max-age=300" in response["Cache-Control"] and "public" in response["Cache-Control"]


def test_drafts_are_never_suggested(client):
    from core.models import Status

    OrganizationFactory(name="Hidden Quokka Lab", status=Status.DRAFT)
    assert titles(client.get(URL, {"q": "quokka"})) == []


def test_short_or_empty_queries_suggest_nothing_without_a_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert titles(client.get(URL, {"q": "a"})) == []
        assert titles(client.get(URL)) == []


def test_answers_are_cached(client, django_assert_num_queries):
    ProgramFactory(name="Wombat fellowship")
    assert titles(client.get(URL, {"q": "wombat"})) == ["Wombat fellowship"]
    with django_assert_num_queries(0):
        assert titles(client.get(URL, {"q": "Wombat"})) == ["Wombat fellowship"]


def test_at_most_eight_suggestions(client):
    for i in range(12):
        PaperFactory(name=f"Numbat study {i}")
    assert len(titles(client.get(URL, {"q": "numbat"}))) == views.SUGGESTIONS == 8


def test_rate_limited_per_client(client, monkeypatch):
    monkeypatch.setattr(views, "SUGGEST_RATE_LIMIT", 3)
    answers = [client.get(URL, {"q": f"word{i}"}).status_code for i in range(5)]
    assert answers == [200, 200, 200, 429, 429]
    limited = client.get(URL, {"q": "again"})
    assert limited["Retry-After"] == "60"
    other = client.get(URL, {"q": "again"}, REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 200


@pytest.mark.parametrize("query", ["\x00", "a:* & b", "(", "\\", "x" * 5000, "<script>", "-", '"'])
def test_hostile_input_gives_json(client, query):
    response = client.get(URL, {"q": query})
    assert response.status_code == 200
    assert "suggestions" in response.json()


def test_post_is_refused(client):
    assert client.post(URL, {"q": "x"}).status_code == 405


def test_header_form_offers_suggestions_and_still_submits_without_script(client):
    html = client.get("/").content.decode()
    assert 'data-suggest-url="/search/suggest/"' in html
    assert 'src="/static/js/search-suggest.js" defer' in html
    assert 'action="/search/" method="get"' in html


@override_settings(DEBUG=False)
def test_script_file_exists():
    from django.contrib.staticfiles import finders

    assert finders.find("js/search-suggest.js")
