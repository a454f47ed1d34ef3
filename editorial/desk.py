"""The editors' desk: a record's change form in sections, with the side panel.

Sections
    Each record type's admin declares its ``fieldsets`` (its sections, chosen for
    that type). ``arrange_sections`` makes any of them a desk: the first section
    ("Essentials") holds the title *and the status*, so the first screen shows
    both next to the panel with what is missing to publish. Every section
    folds and unfolds (``<details>``, no JavaScript needed; the template
    ``admin/editorial/includes/fieldset.html``): open unless declared
    ``"collapse"``, and open whenever one of its fields has an error. The
    panel's "On this form" links jump to each section. A type whose admin
    declares no fieldsets gets ``default_sections``: essentials, its text,
    its relations to other records, publication.

Side panel
    ``panel_context(model_admin, request, obj)``: status and publish time, last
    reviewed with the one-click "Mark reviewed today" (a submit button of the
    change form itself, so it saves through the version check like any save),
    the publish requirements still unmet, content warnings
    (``editorial.contentchecks``) and the links: view on site or preview,
    history, compare, what links here.
"""

from __future__ import annotations

from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import registry
from core.models import Status
from core.validation import publish_problems

from .contentchecks import content_warnings
from .review import review_cutoff

ESSENTIALS = _("Essentials")
MARK_REVIEWED = "_mark_reviewed"
PUBLICATION_FIELDS = ("status", "publish_at", "last_reviewed", "created", "updated")


def _flat(fields):
    for item in fields:
        if isinstance(item, list | tuple):
            yield from _flat(item)
        else:
            yield item


def _without(fields, name):
    out = []
    for item in fields:
        if isinstance(item, list | tuple):
            kept = tuple(f for f in item if f != name)
            if kept:
                out.append(kept if len(kept) > 1 else kept[0])
        elif item != name:
            out.append(item)
    return tuple(out)


def default_sections(model, fields) -> list:
    """Sections for a type whose admin declares none: a sensible start."""
    fields = [f for f in fields if f != "markdown_preview"]
    essentials = [f for f in ("name", "slug", "status", "summary") if f in fields]
    publication = [f for f in PUBLICATION_FIELDS if f in fields and f not in essentials]
    relations, text, other = [], [], []
    for name in fields:
        if name in essentials or name in publication:
            continue
        try:
            field = model._meta.get_field(name)
        except Exception:  # a form-only field
            other.append(name)
            continue
        if field.is_relation and name != "tags":
            relations.append(name)
        elif isinstance(field, models.TextField):
            text.append(name)
        else:
            other.append(name)
    sections = [(None, {"fields": tuple(essentials)})]
    if text:
        sections.append((_("Text"), {"fields": tuple(text)}))
    if other:
        sections.append((_("Details"), {"fields": tuple(other)}))
    if relations:
        sections.append((_("Relations"), {"fields": tuple(relations)}))
    if publication:
        sections.append((_("Publication"), {"fields": tuple(publication)}))
    return sections


def arrange_sections(fieldsets) -> list:
    """The declared fieldsets as desk sections (see the module docstring)."""
    sections = [(name, dict(options)) for name, options in fieldsets]
    if not sections:
        return sections
    first_name, first = sections[0]
    first_fields = tuple(first.get("fields", ()))
    if "status" not in _flat(first_fields):
        for _name, options in sections[1:]:
            if "status" in _flat(options.get("fields", ())):
                options["fields"] = _without(options["fields"], "status")
        # The title (and its address) first, then the status.
        head = [f for f in first_fields[:2] if f in ("name", "slug")]
        first_fields = (*head, "status", *first_fields[len(head) :])
    first["fields"] = first_fields
    first["classes"] = tuple(c for c in first.get("classes", ()) if c != "collapse")
    sections[0] = (first_name or ESSENTIALS, first)
    for index, (name, options) in enumerate(sections[1:], start=1):
        sections[index] = (name or _("More"), options)
    return [s for s in sections if s[1].get("fields")]


def open_sections_with_errors(adminform) -> None:
    """A folded section holding a field with an error opens, so the error is seen."""
    form = adminform.form
    if not form.is_bound or not form.errors:
        return
    wrong = set(form.errors)
    fieldsets = []
    for name, options in adminform.fieldsets:
        if wrong & set(_flat(options.get("fields", ()))):
            options = {
                **options,
                "classes": tuple(c for c in options.get("classes", ()) if c != "collapse"),
            }
        fieldsets.append((name, options))
    adminform.fieldsets = fieldsets


def _url(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def panel_context(model_admin, request, obj) -> dict:
    """What the side panel shows for ``obj`` (``None`` on the add form)."""
    record = obj if obj is not None else model_admin.model()
    saved = obj is not None and obj.pk is not None
    prefix = (
        f"{model_admin.admin_site.name}:{model_admin.opts.app_label}_{model_admin.opts.model_name}"
    )
    now = timezone.now()
    is_published = saved and record.status == Status.PUBLISHED and record.publish_at <= now
    scheduled = saved and record.status == Status.PUBLISHED and record.publish_at > now
    links = []
    if saved:
        with_page = registry.for_model(record) is not None and hasattr(record, "get_absolute_url")
        if with_page:
            url = record.get_absolute_url()
            links.append(
                (_("View on site"), url) if is_published else (_("Preview (not published)"), url)
            )
        links.append((_("History"), _url(f"{prefix}_history", record.pk)))
        links.append((_("Compare versions"), _url(f"{prefix}_history_compare", record.pk)))
    backlinks = []
    if saved:
        from links.backlinks import backlinks_for

        for label, records in backlinks_for(record).items():
            backlinks.extend((label, other) for other in records)
    last_reviewed = record.last_reviewed if saved else None
    return {
        "desk_record": record if saved else None,
        "desk_status": record.get_status_display(),
        "desk_status_value": record.status,
        "desk_is_published": is_published,
        "desk_scheduled": scheduled,
        "desk_publish_at": record.publish_at if saved else None,
        "desk_last_reviewed": last_reviewed,
        "desk_review_due": saved and (last_reviewed is None or last_reviewed < review_cutoff()),
        "desk_can_mark_reviewed": saved and model_admin.has_change_permission(request, obj),
        "desk_mark_reviewed": MARK_REVIEWED,
        "desk_problems": publish_problems(record),
        "desk_warnings": content_warnings(record) if saved else [],
        "desk_links": [(label, url) for label, url in links if url],
        "desk_backlinks": backlinks,
    }


def mark_reviewed_post(post):
    """The POST of "Mark reviewed today": the form's data with today's date, saved
    (and kept open) like any "Save and continue editing"."""
    data = post.copy()
    data["last_reviewed"] = timezone.localdate().isoformat()
    data["_continue"] = "1"
    data.pop(MARK_REVIEWED, None)
    return data
