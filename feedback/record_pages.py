"""The feedback forms on every published record's page (hooks, no queries).

``feedback_context`` (hook ``record_page_context``) gives the page
``feedback``: the three forms' fields (rendered once per record type:
``blank_fields``), their submit URLs, the signed start time, the token URL for
``feedback.js`` and the privacy notice; ``feedback_sections`` (hook
``record_page_sections``) asks ``base.html`` to include
``feedback/partials/record_feedback.html``. Both come from the registry, so
every record type — the test-only ``Gadget`` too — gets them, and drafts that
staff preview do not (readers could not send anything about them).

The forms hold no CSRF token and nothing about the reader, so the page stays
the same for everyone and the page cache keeps serving it (see
``feedback.guard``).
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from core import registry

from . import guard
from .forms import FORMS
from .models import Kind

SECTION_TEMPLATE = "feedback/partials/record_feedback.html"
BLANK_TEMPLATES = {
    Kind.USEFUL: "feedback/partials/blank_useful.html",
    Kind.OUTDATED: "feedback/partials/blank_fields.html",
    Kind.SUGGESTION: "feedback/partials/blank_fields.html",
}


def _record_type(obj):
    record_type = registry.for_model(obj)
    if record_type is None or not getattr(obj, "is_published", False):
        return None
    return record_type


@lru_cache(maxsize=256)
def _rendered_fields(model, kind: str) -> str:
    form = FORMS[kind](record_type=registry.for_model(model), record=None)
    return render_to_string(BLANK_TEMPLATES[kind], {"form": form})


def blank_fields(record_type, kind: str) -> str:
    """A form's fields as HTML, rendered once per record type and kind and process.

    They are the same on every record of a type (the record's own values — the
    form's address and its signed start time — are put in by the partial), and
    rendering them through Django's form templates on every page view would
    cost more than the rest of the page. With ``DEBUG`` on (template edits
    without a restart) they are rendered every time.
    """
    if settings.DEBUG:
        return _rendered_fields.__wrapped__(record_type.model, kind)
    return _rendered_fields(record_type.model, kind)


def feedback_context(request, obj) -> dict:
    record_type = _record_type(obj)
    if record_type is None:
        return {}
    return {
        "feedback": {
            "fields": {kind: blank_fields(record_type, kind) for kind in FORMS},
            "urls": {
                kind: reverse("feedback:form", args=[record_type.slug, obj.pk, kind])
                for kind in FORMS
            },
            "started": guard.start_token(guard.record_key(record_type, obj.pk)),
            "token_url": reverse("feedback:token"),
            "privacy_url": reverse("feedback:privacy"),
        }
    }


def feedback_sections(request, obj) -> list[str]:
    return [SECTION_TEMPLATE] if _record_type(obj) is not None else []
