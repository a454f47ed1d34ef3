"""The "Editorial" box on the admin index: reviews due, link problems, records in review."""

from django import template
from django.urls import NoReverseMatch, reverse

from core.models import Status
from editorial.models import LinkCheckReport
from editorial.review import review_after_months, review_due
from editorial.views import viewable_models

register = template.Library()


@register.simple_tag(takes_context=True)
def editorial_summary(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    models = viewable_models(user)
    if not models:
        return None
    due = sum(review_due(m._default_manager.all()).count() for m in models)
    drafts = []
    for model in models:
        count = model._default_manager.filter(status=Status.REVIEW).count()
        if not count:
            continue
        try:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        except NoReverseMatch:
            continue
        drafts.append(
            {
                "count": count,
                "label": model._meta.verbose_name_plural,
                "url": f"{url}?status__exact={Status.REVIEW}",
            }
        )
    return {
        "review_due": due,
        "months": review_after_months(),
        "report": LinkCheckReport.objects.order_by("-created", "-pk").first(),
        "drafts": drafts,
    }


@register.filter
def merge_choice(chosen, key):
    """The choice already made on a conflict page for field ``key`` ("" if none)."""
    from editorial.concurrency import MERGE_PREFIX

    getter = getattr(chosen, "get", None)
    return getter(f"{MERGE_PREFIX}{key}", "") if getter else ""


@register.filter
def posted(chosen, name):
    """A value posted under ``name`` on a re-shown conflict page ("" if none)."""
    getter = getattr(chosen, "get", None)
    return getter(name, "") if getter else ""
