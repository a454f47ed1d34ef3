"""The neighbourhood map on detail pages: what a record links to and what links to it."""

import re

import pytest

from tests.chartdata import charts_in
from tests.factories import PaperFactory, ResearchAgendaFactory, RoleFactory

pytestmark = pytest.mark.django_db


def hood(html):
    figures = [f for f in charts_in(html) if f.chart == "neighbourhood"]
    assert len(figures) == 1
    return figures[0]


def test_role_page_maps_its_links_both_ways_and_lists_them(client):
    from core.models import Status

    role = RoleFactory(name="Mapped role")
    agenda = ResearchAgendaFactory(name="Linked agenda")
    draft = ResearchAgendaFactory(name="Draft agenda", status=Status.DRAFT)
    role.agendas.add(agenda, draft)
    pointing = RoleFactory(name="Pointing role")
    pointing.related_roles.add(role)

    html = client.get(role.get_absolute_url()).content.decode()
    figure = hood(html)
    groups = {(g["direction"], g["label"]): int(g["count"]) for g in figure.svg_rows}
    assert groups[("to", "Research agendas")] == 1  # the draft is left out
    assert ("from", "Roles") in groups
    assert agenda.get_absolute_url() in figure.links
    assert pointing.get_absolute_url() in figure.links
    assert draft.get_absolute_url() not in html
    assert figure.svg_attrs["role"] == "group"
    # Every record drawn is in the list behind the map.
    start = html.index("Show the connections as a list")
    table = html[start : html.index("</table>", start)]
    for href in figure.links:
        assert f'href="{href}"' in table
    assert " style=" not in html


def test_groups_draw_five_and_say_how_many_more(client):
    agenda = ResearchAgendaFactory(name="Busy agenda")
    papers = [PaperFactory(name=f"Paper {i:02d}") for i in range(8)]
    for paper in papers:
        paper.agendas.add(agenda)
    html = client.get(agenda.get_absolute_url()).content.decode()
    figure = hood(html)
    paper_links = [href for href in figure.links if href.startswith("/papers/")]
    assert len(paper_links) == 5
    assert "and 3 more" in html
    start = html.index("Show the connections as a list")
    table = html[start : html.index("</table>", start)]
    assert len(re.findall(r'href="/papers/', table)) == 8


def test_a_record_with_no_connections_has_no_map(client):
    paper = PaperFactory(name="Lonely paper")
    html = client.get(paper.get_absolute_url()).content.decode()
    assert 'data-chart="neighbourhood"' not in html
