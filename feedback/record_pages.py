"""The feedback forms on every published record's page (hooks, no queries).

``feedback_context`` (hook ``record_page_context``) gives the page
``feedback``: the three unbound forms, their submit URLs, the token URL for
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

from django.urls import reverse

from core import registry

from .forms import FORMS

SECTION_TEMPLATE = "feedback/partials/record_feedback.html"


def _record_type(obj):
    record_type = registry.for_model(obj)
    if record_type is None or not getattr(obj, "is_published", False):
        return None
    return record_type


def feedback_context(request, obj) -> dict:
    record_type = _record_type(obj)
    if record_type is None:
        return {}
    forms = {
        kind: form_class(record_type=record_type, record=obj) for kind, form_class in FORMS.items()
    }
    urls = {kind: reverse("feedback:form", args=[record_type.slug, obj.pk, kind]) for kind in FORMS}
    return {
        "feedback": {
            "useful": forms["useful"],
            "outdated": forms["outdated"],
            "suggestion": forms["suggestion"],
            "urls": urls,
            "token_url": reverse("feedback:token"),
            "privacy_url": reverse("feedback:privacy"),
        }
    }


def feedback_sections(request, obj) -> list[str]:
    return [SECTION_TEMPLATE] if _record_type(obj) is not None else []
