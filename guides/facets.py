"""The research agenda as a filter and a facet, for every listing whose records
link to agendas (papers, organizations, roles, programs)."""

from core.facets import queryset_without, related_facet
from core.filters import PublishedRecordFilter

from .models import ResearchAgenda


def agenda_filter() -> PublishedRecordFilter:
    """``?agenda=<slug>``: one published agenda (anything else is a form error)."""
    return PublishedRecordFilter(
        ResearchAgenda, label="Research agenda", field_name="agendas", empty_label="Any agenda"
    )


def agenda_facet(request, filterset, counts=None):
    """The agendas the listed records work on, in the editors' order (two queries:
    the counts, unless ``counts`` were counted already, and the names). A chosen
    agenda stays listed even when nothing matches it now."""
    cleaned = getattr(filterset.form, "cleaned_data", {})
    return related_facet(
        request,
        "agenda",
        "Research agenda",
        queryset_without(filterset, "agenda"),
        "agendas",
        ResearchAgenda.objects.published(),
        selected=cleaned.get("agenda"),
        order_by=("order", "name"),
        counts=counts,
    )
