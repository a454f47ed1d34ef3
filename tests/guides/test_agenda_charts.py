"""The comparison page draws the agendas by target case and by broad approach.

Each SVG and its table hold the same numbers; with no agenda recording a field
the page says it is not known yet instead of drawing an empty chart.
"""

import pytest

from tests.chartdata import charts_in
from tests.guides.factories import ResearchAgendaFactory

pytestmark = pytest.mark.django_db

URL = "/agendas/compare/"


def chart(html, name):
    found = [f for f in charts_in(html) if f.chart == name]
    assert len(found) == 1, [f.chart for f in charts_in(html)]
    return found[0]


def test_agendas_by_target_case_and_approach_table_the_same_numbers(client):
    ResearchAgendaFactory(slug="a", target_case="worst", broad_approach="engineering")
    ResearchAgendaFactory(slug="b", target_case="worst", broad_approach="cognitivist")
    ResearchAgendaFactory(slug="c", target_case="average", broad_approach="cognitivist")
    ResearchAgendaFactory(slug="d", target_case="", broad_approach="cognitivist")
    html = client.get(URL).content.decode()

    by_case = chart(html, "agendas-by-target-case")
    assert by_case.has_title and by_case.has_desc
    assert by_case.svg_attrs.get("role") == "img"
    svg = {r["label"]: int(r["count"]) for r in by_case.svg_rows}
    assert svg == {"Average case": 1, "Pessimistic case": 0, "Worst case": 2}
    pairs = zip(by_case.table_labels, by_case.table_rows, strict=True)
    table = {label: int(values[0]) for label, values in pairs}
    assert table == svg
    assert "1 agenda has no target case recorded yet." in html

    by_approach = chart(html, "agendas-by-approach")
    svg = {r["label"]: int(r["count"]) for r in by_approach.svg_rows}
    assert svg == {"Engineering": 1, "Behaviourist science": 0, "Cognitivist science": 3}
    assert [int(v[0]) for v in by_approach.table_rows] == list(svg.values())
    assert "no broad approach recorded" not in html
    assert " style=" not in html and "<style" not in html


def test_charts_follow_the_agendas_chosen_for_comparison(client):
    ResearchAgendaFactory(slug="a", target_case="worst")
    ResearchAgendaFactory(slug="b", target_case="average")
    html = client.get(URL, {"agenda": ["a"]}).content.decode()
    svg = {r["label"]: int(r["count"]) for r in chart(html, "agendas-by-target-case").svg_rows}
    assert svg == {"Average case": 0, "Pessimistic case": 0, "Worst case": 1}


def test_no_recorded_field_says_not_known_instead_of_an_empty_chart(client):
    ResearchAgendaFactory.create_batch(2, target_case="", broad_approach="")
    html = client.get(URL).content.decode()
    assert charts_in(html) == []
    assert "The target case of these agendas is not known yet." in html
    assert "The broad approach of these agendas is not known yet." in html


def test_one_field_known_draws_only_that_chart(client):
    ResearchAgendaFactory(target_case="", broad_approach="engineering")
    html = client.get(URL).content.decode()
    assert [f.chart for f in charts_in(html)] == ["agendas-by-approach"]
    assert "The target case of this agenda is not known yet." in html
