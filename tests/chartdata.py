"""Read the server-rendered charts (core/templates/charts/) back out of a page's HTML."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Figure:
    chart: str = ""
    svg_rows: list[dict] = field(default_factory=list)  # data-* of each g.chart-row
    markers: list[dict] = field(default_factory=list)  # data-* of each timeline marker
    table_rows: list[list[str]] = field(default_factory=list)  # data-value of each td
    table_labels: list[str] = field(default_factory=list)
    svg_attrs: dict = field(default_factory=dict)
    has_title: bool = False
    has_desc: bool = False
    links: list[str] = field(default_factory=list)  # hrefs inside the SVG


class ChartParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.figures: list[Figure] = []
        self.current: Figure | None = None
        self.in_svg = self.in_th = False
        self.row_values: list[str] | None = None
        self.label = ""
        self.open_markers = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "figure" and "chart" in (attrs.get("class") or "").split():
            self.current = Figure()
            self.figures.append(self.current)
        if self.current is None:
            return
        classes = (attrs.get("class") or "").split()
        if tag == "svg" and "chart-svg" in classes:
            self.in_svg = True
            self.current.chart = attrs.get("data-chart", "")
            self.current.svg_attrs = attrs
        elif self.in_svg and tag == "title":
            self.current.has_title = True
        elif self.in_svg and tag == "desc":
            self.current.has_desc = True
        elif self.in_svg and tag == "g" and {"chart-row", "hood-group"} & set(classes):
            self.current.svg_rows.append(
                {k[5:]: v for k, v in attrs.items() if k.startswith("data-")}
            )
        elif self.in_svg and tag == "svg" and "chart-marker" in classes:
            self.current.markers.append(
                {k[5:]: v for k, v in attrs.items() if k.startswith("data-")}
            )
            self.open_markers += 1
        elif self.in_svg and tag == "a":
            self.current.links.append(attrs.get("href"))
        elif tag == "tr":
            self.row_values, self.label = [], ""
        elif tag == "th" and attrs.get("scope") == "row":
            self.in_th = True
        elif tag == "td" and self.row_values is not None:
            self.row_values.append(attrs.get("data-value", ""))

    def handle_data(self, data):
        if self.in_th:
            self.label += data

    def handle_endtag(self, tag):
        if self.current is None:
            return
        if tag == "svg" and self.in_svg and not self._nested_marker_open():
            self.in_svg = False
        if tag == "th":
            self.in_th = False
        elif tag == "tr" and self.row_values:
            self.current.table_rows.append(self.row_values)
            self.current.table_labels.append(self.label.strip())
            self.row_values = None
        elif tag == "figure":
            self.current, self.in_svg = None, False

    def _nested_marker_open(self) -> bool:
        if self.open_markers:
            self.open_markers -= 1
            return True
        return False


def charts_in(html: str) -> list[Figure]:
    parser = ChartParser()
    parser.feed(html)
    return parser.figures
