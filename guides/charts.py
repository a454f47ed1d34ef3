"""Agendas by target case and by broad approach (``core.charts.CountChart``).

One bar per choice of the field, in the choices' own order (a fixed, short
scale, so a choice no agenda takes is drawn as 0 rather than left out).
Agendas without the field set are not drawn: they are counted in the chart's
description and in the sentence beside it. When no agenda has the field set,
there is no chart (``None``) and the page says the figure is not known yet.
"""

from core.charts import CountChart, CountRow

from .models import ResearchAgenda

FIELDS = (
    # field, choices, chart title, table heading, slug
    (
        "target_case",
        ResearchAgenda.TargetCase,
        "Agendas by target case",
        "Target case",
        "agendas-by-target-case",
    ),
    (
        "broad_approach",
        ResearchAgenda.Approach,
        "Agendas by broad approach",
        "Broad approach",
        "agendas-by-approach",
    ),
)


def _plural(count: int, noun: str = "agenda") -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def agenda_chart(agendas, field, choices, *, title, heading, slug):
    """A ``CountChart`` of ``agendas`` (already loaded) by ``field``, or ``None``."""
    values = [getattr(agenda, field) for agenda in agendas]
    known = [value for value in values if value]
    if not known:
        return None
    rows = [CountRow(str(label), known.count(value)) for value, label in choices.choices]
    top = max(rows, key=lambda r: r.count)
    description = (
        f"{_plural(len(known))} of {len(values)} with a {heading.lower()} recorded; "
        f"the most common is {top.label} with {top.count}."
    )
    return CountChart(
        title=title,
        description=description,
        rows=rows,
        unit="agendas",
        row_heading=heading,
        slug=slug,
    )


def agenda_charts(agendas) -> list[dict]:
    """For each field: its heading, its chart (``None`` when no agenda records it)
    and how many agendas leave it empty."""
    agendas = list(agendas)
    result = []
    for field, choices, title, heading, slug in FIELDS:
        chart = agenda_chart(agendas, field, choices, title=title, heading=heading, slug=slug)
        result.append(
            {
                "heading": heading,
                "slug": slug,
                "chart": chart,
                "unknown": sum(1 for agenda in agendas if not getattr(agenda, field)),
            }
        )
    return result
