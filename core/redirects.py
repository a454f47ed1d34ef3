"""Addresses that last: permanent URLs, old slugs, and "cite this page".

* ``permalink(request, record_type, pk)`` — ``/r/<type>/<pk>/`` answers with a
  301 to the record's current page (published records only; 404 otherwise).
* ``SlugHistoryRedirectMixin`` — for a ``DetailView`` looked up by slug: when
  no record has the slug now but a record had it before (django-simple-history
  keeps every old slug), answer with a 301 to that record's current page.
* ``citation_for(request, obj)`` / ``CitationMixin`` — the suggested citation
  rendered by ``partials/cite.html``.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from core.api.registry import RECORD_TYPES, absolute_url, record_type_for


def permalink_path(obj) -> str:
    record_type = record_type_for(obj)
    return reverse("opendata:permalink", kwargs={"record_type": record_type.slug, "pk": obj.pk})


def permalink(request, record_type: str, pk: int):
    """``/r/<type>/<pk>/`` → 301 to the published record's current URL."""
    rt = RECORD_TYPES.get(record_type)
    if rt is None:
        raise Http404("No such record type.")
    obj = get_object_or_404(rt.model.objects.published().only("pk", "slug"), pk=pk)
    return HttpResponsePermanentRedirect(obj.get_absolute_url())


class SlugHistoryRedirectMixin:
    """301 from a record's old slug to its current page.

    Put it before ``DetailView`` in the bases::

        class ProgramDetailView(SlugHistoryRedirectMixin, DetailView): ...

    Only runs when the normal lookup 404s: the slug is looked up in the
    model's history table (one indexed query), and the redirect goes to the
    record only if ``get_queryset()`` — e.g. ``published()`` or
    ``visible_to(user)`` — still returns it under a different slug. The query
    string is kept.
    """

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            target = self.get_renamed_object()
            if target is None:
                raise
            url = target.get_absolute_url()
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)

    def get_renamed_object(self):
        slug = self.kwargs.get(self.slug_url_kwarg)
        if not slug:
            return None
        queryset = self.get_queryset()
        model = queryset.model
        history = getattr(model, "history", None)
        if history is None:
            return None
        rows = history.filter(slug=slug).order_by("-history_date").values_list("id", flat=True)
        pks = list(dict.fromkeys(rows[:20]))  # newest owner of the slug first
        if not pks:
            return None
        candidates = {obj.pk: obj for obj in queryset.filter(pk__in=pks).exclude(slug=slug)}
        for pk in pks:
            if pk in candidates:
                return candidates[pk]
        return None


_BIBTEX_SPECIAL = re.compile(r"([\\{}%&$#_^~])")


def bibtex_escape(text: str) -> str:
    def replace(match):
        char = match.group(1)
        if char == "\\":
            return r"\textbackslash{}"
        if char in "^~":
            return rf"\{char}{{}}"
        return "\\" + char

    return _BIBTEX_SPECIAL.sub(replace, str(text))


@dataclass
class Citation:
    title: str
    type_label: str
    site_name: str
    url: str  # the page's current canonical URL
    permalink: str  # survives slug changes
    updated: date
    accessed: date
    key: str

    @property
    def text(self) -> str:
        """An APA-like reference."""
        updated = f"{self.updated:%Y, %B} {self.updated.day}"
        accessed = f"{self.accessed:%B} {self.accessed.day}, {self.accessed:%Y}"
        return (
            f"{self.site_name}. ({updated}). {self.title} [{self.type_label}]. "
            f"Retrieved {accessed}, from {self.permalink}"
        )

    @property
    def bibtex(self) -> str:
        return (
            f"@misc{{{self.key},\n"
            f"  title        = {{{{{bibtex_escape(self.title)}}}}},\n"
            f"  author       = {{{{{bibtex_escape(self.site_name)}}}}},\n"
            f"  year         = {{{self.updated:%Y}}},\n"
            f"  howpublished = {{\\url{{{self.permalink}}}}},\n"
            f"  url          = {{{self.permalink}}},\n"
            f"  note         = {{Last updated {self.updated:%Y-%m-%d};"
            f" accessed {self.accessed:%Y-%m-%d}}}\n"
            f"}}"
        )


def citation_for(request, obj) -> Citation:
    """The suggested citation of a record's page (no queries)."""
    record_type = record_type_for(obj)
    updated = timezone.localdate(obj.updated) if obj.updated else timezone.localdate()
    return Citation(
        title=obj.name,
        type_label=str(obj._meta.verbose_name),
        site_name=settings.SITE_NAME,
        url=absolute_url(request, obj.get_absolute_url()),
        permalink=absolute_url(request, permalink_path(obj)),
        updated=updated,
        accessed=timezone.localdate(),
        key=f"fieldguide-{record_type.slug}-{obj.pk}",
    )


class CitationMixin:
    """Adds ``citation`` (a ``Citation``) to a DetailView's context."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["citation"] = citation_for(self.request, self.object)
        return context
