"""Accepting a reader's suggestion in one step: it opens in its record's change form.

The queue's "Open in the record's form" link is the record's admin change URL
with ``?from_feedback=<submission id>``. Through the change-form hooks of
``editorial.formhooks``:

* ``suggested_initial`` (GET) — a suggestion about a prefillable part
  (``feedback.parts``) fills its proposed text into that field; for any other
  submission the editor is told what the reader sent and makes the change by
  hand. A message on the form says which.
* ``note_change_reason`` — the save's history version records why it was made.
* ``mark_accepted`` — after the save (the change form posts back to the same
  URL, so the parameter is still there): the submission becomes *accepted*,
  linked to the record's newest version — the one that save produced.

Only a *new* submission about that very record is used, and only for an editor
who may change submissions; anything else leaves the form as it was saved,
with a warning. Accepting twice is impossible (the state is checked again in
the update).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator

from .models import Kind, State, Submission
from .parts import get_part, part_label

PARAM = "from_feedback"
MESSAGE_EXCERPT = 300


def accept_url(submission, site_name="admin") -> str | None:
    """The record's change form, opening with this submission (``None`` if it has none)."""
    model = submission.record_model
    if model is None:
        return None
    try:
        url = reverse(
            f"{site_name}:{model._meta.app_label}_{model._meta.model_name}_change",
            args=[submission.object_id],
        )
    except NoReverseMatch:
        return None
    return f"{url}?{PARAM}={submission.pk}"


def _submission(request, obj):
    """The submission named by the request for ``obj`` (cached per request), or ``None``."""
    cache = request.__dict__.setdefault("_feedback_submission", {})
    key = (type(obj), obj.pk)
    if key not in cache:
        raw = request.GET.get(PARAM, "")
        found = None
        if raw.isdigit() and len(raw) <= 18 and request.user.has_perm("feedback.change_submission"):
            found = Submission.objects.filter(
                pk=int(raw),
                content_type=ContentType.objects.get_for_model(type(obj)),
                object_id=obj.pk,
            ).first()
        cache[key] = found
    return cache[key]


def suggested_initial(request, obj) -> dict:
    """Hook ``content_admin_initial``: the proposed text in the field it is for."""
    if PARAM not in request.GET:
        return {}
    submission = _submission(request, obj)
    if submission is None:
        messages.warning(
            request,
            "That reader submission is not about this record, no longer exists or is not "
            "yours to handle: the form shows the record as saved.",
        )
        return {}
    if submission.state != State.NEW:
        messages.warning(
            request,
            format_html(
                "{} is already marked “{}”: saving will not change it.",
                submission,
                submission.get_state_display(),
            ),
        )
        return {}
    model = type(obj)
    part = get_part(model, submission.part)
    label = part_label(model, submission.part)
    if submission.kind == Kind.SUGGESTION and part is not None and part.prefillable:
        messages.info(
            request,
            format_html(
                "The form holds the text a reader suggested for “{}” ({}). Check it, change "
                "what you need and save: the suggestion is then marked accepted and linked "
                "to the version you save.",
                label,
                submission,
            ),
        )
        return {part.name: submission.proposed_text}
    messages.info(
        request,
        format_html(
            "{} is about “{}”: “{}”. Make the change by hand and save: it is then marked "
            "accepted and linked to the version you save.",
            submission,
            label,
            Truncator(submission.text).chars(MESSAGE_EXCERPT) or "—",
        ),
    )
    return {}


def note_change_reason(request, obj, change):
    """Hook ``content_admin_before_save``: the history says which submission led to the edit."""
    if not change or PARAM not in request.GET:
        return
    submission = _submission(request, obj)
    if submission is not None and submission.state == State.NEW:
        obj._change_reason = f"Reader {submission.get_kind_display().lower()} #{submission.pk}"[
            :100
        ]


def mark_accepted(request, obj, change):
    """Hook ``content_admin_saved``: accepted, linked to the version this save produced."""
    if not change or PARAM not in request.GET:
        return
    submission = _submission(request, obj)
    if submission is None:
        return
    version = obj.history.order_by("-history_date", "-history_id").first()
    now = timezone.now()
    updated = Submission.objects.filter(pk=submission.pk, state=State.NEW).update(
        state=State.ACCEPTED,
        accepted_version=version.history_id if version is not None else None,
        reviewed_by=request.user,
        reviewed_at=now,
        updated=now,
    )
    if not updated:
        return
    try:
        link = reverse("admin:feedback_submission_change", args=[submission.pk])
    except NoReverseMatch:
        link = None
    if link:
        text = format_html('<a href="{}">{}</a> is marked accepted.', link, submission)
    else:
        text = format_html("{} is marked accepted.", submission)
    messages.success(request, text)
