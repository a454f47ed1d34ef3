"""Site-wide editorial pages in the admin.

* ``editorial/review/`` — records not reviewed for ``REVIEW_AFTER_MONTHS`` months
  (``?months=N`` to look further back or forward), per record type, after the
  sections other apps add (hook ``review_dashboard_sections``).
* ``editorial/links/`` — the latest link-check report; POST runs a new check.
* ``editorial/markdown-preview/`` — POST ``text`` → the rendered, sanitized HTML
  (used by the "Preview" buttons of ``static/admin_extra/editorial.js``). It
  only renders: it never writes a record.
* ``editorial/presence/<content type>/<pk>/?version=N`` — the "who else is
  here" notice of a change form as an HTML fragment, refreshed by the admin
  script while the form is open (which also keeps the editor's own presence).

``editorial.sites.EditorialAdminSite`` puts them in front of the admin's own
URLs, wrapped by ``site.admin_view``: anonymous users are sent to the login
page and non-staff users never reach them. Inside, a user needs permission to
view (or, for running a check, change) content.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from core import hooks
from core.markdown import render_markdown
from core.validation import MAX_TEXT_LENGTH

from .models import LinkCheckReport
from .permissions import content_models
from .review import review_after_months, review_cutoff, review_due

MAX_REVIEW_MONTHS = 120
ROWS_PER_TYPE = 100


def _perm(model, action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def viewable_models(user):
    return [
        m
        for m in content_models()
        if user.has_perm(_perm(m, "view")) or user.has_perm(_perm(m, "change"))
    ]


def can_edit_content(user) -> bool:
    return (
        user.is_active
        and user.is_staff
        and any(user.has_perm(_perm(m, "change")) for m in content_models())
    )


def _admin_url(site, model_label: str, pk, action: str = "change") -> str | None:
    app_label, _, model_name = model_label.partition(".")
    try:
        return reverse(f"{site.name}:{app_label}_{model_name.lower()}_{action}", args=[pk])
    except NoReverseMatch:
        return None


def review_dashboard(request, site):
    models = viewable_models(request.user)
    if not models:
        raise PermissionDenied
    default_months = review_after_months()
    try:
        months = int(request.GET.get("months", default_months))
    except (TypeError, ValueError):
        months = default_months
    months = min(max(months, 0), MAX_REVIEW_MONTHS)
    sections = []
    total = 0
    for model in models:
        due = review_due(model._default_manager.all(), months)
        count = due.count()
        total += count
        rows = [
            {
                "record": record,
                "change_url": _admin_url(site, model._meta.label, record.pk),
            }
            for record in due.only("pk", "name", "slug", "status", "last_reviewed", "updated")[
                :ROWS_PER_TYPE
            ]
        ]
        try:
            changelist = reverse(
                f"{site.name}:{model._meta.app_label}_{model._meta.model_name}_changelist"
            )
        except NoReverseMatch:
            changelist = None
        sections.append(
            {
                "label": str(model._meta.verbose_name_plural).capitalize(),
                "count": count,
                "rows": rows,
                "more": count - len(rows),
                "changelist_url": f"{changelist}?review=due" if changelist else None,
            }
        )
    context = {
        **site.each_context(request),
        "title": "Records due a review",
        "months": months,
        "default_months": default_months,
        "cutoff": review_cutoff(months),
        "sections": sections,
        "total": total,
        # Sections other apps add (hook ``review_dashboard_sections``), e.g. reader reports.
        "extra_sections": [
            extra
            for extra in hooks.run("review_dashboard_sections", request=request, site=site)
            if extra
        ],
    }
    return render(request, "admin/editorial/review_due.html", context)


def link_check_view(request, site):
    if not viewable_models(request.user):
        raise PermissionDenied
    if request.method == "POST":
        if not can_edit_content(request.user):
            raise PermissionDenied
        from .linkcheck import run_link_check

        report = run_link_check()
        level = messages.WARNING if report.problems else messages.SUCCESS
        messages.add_message(
            request,
            level,
            f"Link check finished: {report.links_checked} links in {report.records_checked} "
            f"records, {len(report.problems)} problems.",
        )
        return HttpResponseRedirect(request.path)
    from .linkcheck import problems_of

    report = LinkCheckReport.objects.order_by("-created", "-pk").first()
    groups = []
    if report is not None:
        by_record: dict[tuple, dict] = {}
        for problem in problems_of(report):
            key = (problem.record_model, problem.record_id)
            if key not in by_record:
                by_record[key] = {
                    "record": problem.record,
                    "type": problem.record_model,
                    "change_url": _admin_url(site, problem.record_model, problem.record_id),
                    "problems": [],
                }
                groups.append(by_record[key])
            by_record[key]["problems"].append(problem)
    context = {
        **site.each_context(request),
        "title": "Link check",
        "report": report,
        "groups": groups,
        "can_run": can_edit_content(request.user),
    }
    return render(request, "admin/editorial/link_check.html", context)


@require_POST
def markdown_preview(request, site):
    if not can_edit_content(request.user):
        raise PermissionDenied
    text = request.POST.get("text", "")
    if len(text) > MAX_TEXT_LENGTH:
        return HttpResponseBadRequest(
            f"Text is longer than {MAX_TEXT_LENGTH:,} characters.",
            content_type="text/plain; charset=utf-8",
        )
    if "\x00" in text:
        return HttpResponseBadRequest(
            "Null characters are not allowed.", content_type="text/plain; charset=utf-8"
        )
    from .linkcheck import check_link, extract_links

    problems = [(href, found[1]) for href in extract_links(text) if (found := check_link(href))]
    warning = ""
    if problems:
        warning = format_html(
            '<ul class="editorial-link-problems">{}</ul>',
            format_html_join("", "<li><code>{}</code>: {}</li>", problems),
        )
    body = render_markdown(text) or format_html("<p><em>{}</em></p>", "Nothing to preview.")
    html = format_html('{}<div class="editorial-preview-body">{}</div>', warning, body)
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def presence_view(request, site, content_type_id, object_id):
    from django.template.loader import render_to_string

    from . import presence
    from .concurrency import latest_change, parse_version

    content_type = ContentType.objects.filter(pk=content_type_id).first()
    model = content_type.model_class() if content_type is not None else None
    if model is None or model not in site._registry:
        raise Http404
    if not (
        request.user.has_perm(_perm(model, "view")) or request.user.has_perm(_perm(model, "change"))
    ):
        raise PermissionDenied
    try:
        obj = model._default_manager.filter(pk=object_id).first()
    except (ValueError, TypeError):
        obj = None
    if obj is None:
        raise Http404
    presence.touch(request.user, obj)
    loaded = parse_version(request.GET.get("version", ""))
    saved_since = None
    if loaded is not None and getattr(obj, "version", loaded) > loaded:
        who, when = latest_change(model, obj.pk)
        saved_since = {"user": who, "when": when}
    html = render_to_string(
        "admin/editorial/partials/presence.html",
        {"activities": presence.others(request.user, obj), "saved_since": saved_since},
        request=request,
    )
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response
