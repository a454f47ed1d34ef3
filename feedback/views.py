"""Reader views: a form's own page and its submit endpoint, the thank-you page,
the privacy notice and the CSRF token for ``feedback.js``.

* ``/feedback/<type>/<pk>/<kind>/`` — GET: the form on a page of its own (with
  a CSRF token); POST: the submit endpoint of the forms on record pages. An
  unknown type, kind or record, or a record readers cannot see, is a 404.
* ``…/thanks/`` — leads back to the record; shows nothing the reader sent.
* ``/feedback/privacy/`` — what is kept and for how long.
* ``/feedback/token/`` — ``{"token": …}`` for the progressive enhancement.

A POST runs, in this order: the CSRF origin check (another site: the CSRF
403 page), the rate limit (429 page with ``Retry-After``; 503 if the shared
cache is away), the form (400 with the form and its errors: invalid or
over-long fields, unknown part, honeypot, fill time), the CSRF token (missing
or wrong on the same site: the form again, filled in, with a token, to
confirm — nothing stored yet) and only then stores one ``Submission`` and
answers 303 to the thank-you page. Every answer to a POST is ``no-store``;
nothing a reader sends is put on a page anyone else can see.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.module_loading import import_string
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from core import registry

from . import guard
from .forms import FORMS
from .models import COMMENT_MAX, PROPOSED_TEXT_MAX, Kind, Submission

logger = logging.getLogger("fieldguide.feedback")

MAX_PK = 2**63 - 1

HEADINGS = {
    Kind.USEFUL: "Was this page useful?",
    Kind.OUTDATED: "Report something outdated or wrong",
    Kind.SUGGESTION: "Suggest an edit",
}


def record_or_404(type_slug: str, pk: int):
    """``(record type, published record)`` or 404: unknown type or pk, draft, scheduled."""
    record_type = registry.get(type_slug)
    if record_type is None or pk > MAX_PK:
        raise Http404("No such record.")
    record = record_type.model.objects.published().filter(pk=pk).first()
    if record is None:
        raise Http404("No such record.")
    return record_type, record


def _breadcrumbs(record_type, record, label, url):
    return [
        ("Home", "/"),
        (record_type.display_plural, reverse(record_type.list_url_name)),
        (record.name, record.get_absolute_url()),
        (label, url),
    ]


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class FeedbackFormView(View):
    """One reader form: its page (GET) and its submit endpoint (POST); see the module docstring."""

    http_method_names = ["get", "head", "post"]
    template_name = "feedback/form_page.html"
    refused_template_name = "feedback/refused.html"

    def dispatch(self, request, *args, **kwargs):
        self.record_type, self.record = record_or_404(kwargs["type"], kwargs["pk"])
        self.form_class = FORMS.get(kwargs["kind"])
        if self.form_class is None:
            raise Http404("No such form.")
        self.kind = self.form_class.kind
        return super().dispatch(request, *args, **kwargs)

    def make_form(self, data=None):
        return self.form_class(data, record_type=self.record_type, record=self.record)

    def get(self, request, *args, **kwargs):
        return self.render_form(self.make_form())

    def post(self, request, *args, **kwargs):
        problem = guard.csrf_problem(request)
        if problem is not None and problem[0] == "origin":
            return import_string(settings.CSRF_FAILURE_VIEW)(request, reason=problem[1])
        hashed = guard.client_hash(request)
        try:
            allowed, retry_after = guard.take(hashed)
        except guard.RateLimitUnavailable:
            logger.warning("Feedback refused: the rate limit's cache is unavailable", exc_info=True)
            return self.refused(status=503, retry_after=60)
        if not allowed:
            return self.refused(status=429, retry_after=retry_after)

        form = self.make_form(request.POST)
        if not form.is_valid():
            form.data = form.data_for_retry()
            return self.render_form(form, status=400)
        if problem is not None:  # same site, no valid token: confirm on a page with one
            form.data = form.data_for_retry()
            return self.render_form(form, confirm=True)

        Submission.objects.create(
            kind=self.kind,
            content_type=ContentType.objects.get_for_model(self.record_type.model),
            object_id=self.record.pk,
            client_hash=hashed,
            **form.submission_values(),
        )
        response = HttpResponseRedirect(
            reverse(
                "feedback:thanks",
                kwargs={"type": self.record_type.slug, "pk": self.record.pk, "kind": self.kind},
            )
        )
        response.status_code = 303  # "See other": the browser GETs the thank-you page
        return response

    def render_form(self, form, status=200, confirm=False):
        heading = HEADINGS[self.kind]
        context = {
            "record": self.record,
            "record_type": self.record_type,
            "form": form,
            "kind": self.kind,
            "heading": heading,
            "confirm": confirm,
            "privacy_url": reverse("feedback:privacy"),
            "breadcrumbs": _breadcrumbs(self.record_type, self.record, heading, self.request.path),
        }
        response = render(self.request, self.template_name, context, status=status)
        response["X-Robots-Tag"] = "noindex"
        return response

    def refused(self, status, retry_after):
        """429 (too many posts) or 503 (cannot count them): what the reader wrote, to copy."""
        post = self.request.POST
        text = (
            post.get("proposed_text", "")[:PROPOSED_TEXT_MAX]
            or post.get("comment", "")[:COMMENT_MAX]
        )
        minutes = max(1, round(retry_after / 60))
        context = {
            "record": self.record,
            "record_type": self.record_type,
            "status": status,
            "minutes": minutes,
            "text": text,
            "breadcrumbs": _breadcrumbs(
                self.record_type, self.record, HEADINGS[self.kind], self.request.path
            ),
        }
        response = render(self.request, self.refused_template_name, context, status=status)
        response["Retry-After"] = str(retry_after)
        response["X-Robots-Tag"] = "noindex"
        return response


class ThanksView(TemplateView):
    """After a stored submission: thanks, and the way back. Shows nothing the reader sent."""

    template_name = "feedback/thanks.html"

    def get_context_data(self, **kwargs):
        record_type, record = record_or_404(self.kwargs["type"], self.kwargs["pk"])
        kind = self.kwargs["kind"]
        if kind not in FORMS:
            raise Http404("No such form.")
        context = super().get_context_data(**kwargs)
        context.update(
            record=record,
            record_type=record_type,
            kind=kind,
            breadcrumbs=_breadcrumbs(record_type, record, "Thank you", self.request.path),
            outdated_url=reverse(
                "feedback:form", args=[record_type.slug, record.pk, Kind.OUTDATED]
            ),
            suggestion_url=reverse(
                "feedback:form", args=[record_type.slug, record.pk, Kind.SUGGESTION]
            ),
        )
        return context


class PrivacyView(TemplateView):
    template_name = "feedback/privacy.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            retention_days=settings.FEEDBACK_RETENTION_DAYS,
            breadcrumbs=[("Home", "/"), ("Feedback and privacy", self.request.path)],
        )
        return context


@require_GET
@never_cache
def csrf_token(request):
    """The reader's CSRF token for the forms on (cached) record pages; sets the cookie."""
    response = JsonResponse({"token": get_token(request)})
    response["X-Robots-Tag"] = "noindex"
    return response
