"""Reader feedback per record, for the editors' review dashboard.

Hook ``review_dashboard_sections``: one table of the records readers wrote
about — open "outdated or wrong" reports first, then open suggestions, then
the most "not useful" answers — with the share of "useful" answers per page
and a link to each record's submissions in the queue. Spam is not counted.

Queries: one aggregate, one count, and one name look-up per record type that
appears in the table (so the cost grows with the number of registered types,
not with the number of submissions).
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse

from core import registry

from .models import Kind, State, Submission

ROWS = 50
TEMPLATE = "admin/feedback/review_section.html"


def per_record_counts():
    """Counts per record, most open "outdated" reports first (a queryset of dicts)."""
    return (
        Submission.objects.exclude(state=State.SPAM)
        .values("content_type_id", "object_id")
        .annotate(
            outdated=Count("pk", filter=Q(kind=Kind.OUTDATED, state=State.NEW)),
            suggestions=Count("pk", filter=Q(kind=Kind.SUGGESTION, state=State.NEW)),
            useful_yes=Count("pk", filter=Q(kind=Kind.USEFUL, useful=True)),
            useful_no=Count("pk", filter=Q(kind=Kind.USEFUL, useful=False)),
            total=Count("pk"),
        )
        .order_by("-outdated", "-suggestions", "-useful_no", "content_type_id", "object_id")
    )


def _admin_url(site, model, pk):
    try:
        return reverse(
            f"{site.name}:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk]
        )
    except NoReverseMatch:
        return None


def review_section(request, site):
    if not request.user.has_perm("feedback.view_submission"):
        return None
    counts = per_record_counts()
    rows = list(counts[:ROWS])
    records_with_feedback = counts.count()
    by_type: dict[int, list[int]] = {}
    for row in rows:
        by_type.setdefault(row["content_type_id"], []).append(row["object_id"])
    names = {}
    models = {}
    for content_type_id, pks in by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        models[content_type_id] = model
        if model is None:
            continue
        for pk, name in model._base_manager.filter(pk__in=pks).values_list("pk", "name"):
            names[(content_type_id, pk)] = name
    try:
        queue = reverse(f"{site.name}:feedback_submission_changelist")
    except NoReverseMatch:
        queue = None
    table = []
    for row in rows:
        model = models.get(row["content_type_id"])
        record_type = registry.for_model(model) if model is not None else None
        answered = row["useful_yes"] + row["useful_no"]
        table.append(
            {
                **row,
                "name": names.get((row["content_type_id"], row["object_id"])),
                "type_label": record_type.display_label if record_type else "—",
                "change_url": _admin_url(site, model, row["object_id"]) if model else None,
                "queue_url": (
                    f"{queue}?record={record_type.slug}:{row['object_id']}"
                    if queue and record_type
                    else None
                ),
                "answered": answered,
                "useful_share": round(100 * row["useful_yes"] / answered) if answered else None,
            }
        )
    return {
        "template": TEMPLATE,
        "rows": table,
        "records": records_with_feedback,
        "more": max(0, records_with_feedback - len(table)),
        "open": Submission.objects.open().count(),
        "queue_url": queue,
    }
