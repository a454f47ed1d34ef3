"""Addresses that last: permanent URLs and "cite this page".

* ``permalink(request, record_type, pk)`` — ``/r/<type>/<pk>/`` answers with a
  301 to the record's current page (published records only; 404 otherwise).
* ``citation_for(request, obj)`` — the suggested citation rendered by
  ``partials/cite.html``. Every record page gets it as ``citation`` through
  the ``record_page_context`` hook (``citation_context``, registered by
  ``OpendataConfig.ready``); ``CitationMixin`` adds it to any other DetailView.

(An old slug answering 301 is ``core.views.SlugHistoryRedirectMixin``.)
"""

import re
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from core import registry
from core.seo import absolute_url


def permalink_path(obj) -> str:
    record_type = registry.for_model(obj)
    return reverse("opendata:permalink", kwargs={"record_type": record_type.slug, "pk": obj.pk})


def permalink(request, record_type: str, pk: int):
    """``/r/<type>/<pk>/`` → 301 to the published record's current URL."""
    rt = registry.get(record_type)
    if rt is None:
        raise Http404("No such record type.")
    obj = get_object_or_404(rt.model.objects.published().only("pk", "slug"), pk=pk)
    return HttpResponsePermanentRedirect(obj.get_absolute_url())


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
    record_type = registry.for_model(obj)
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


def citation_context(request, obj) -> dict:
    """Hook ``record_page_context``: every record page offers its citation."""
    if registry.for_model(obj) is None:
        return {}
    return {"citation": citation_for(request, obj)}


class CitationMixin:
    """Adds ``citation`` (a ``Citation``) to a DetailView's context."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["citation"] = citation_for(self.request, self.object)
        return context
