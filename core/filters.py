"""Filter building blocks for the listings' and the API's FilterSets.

Two ways of naming a related record by slug, for two audiences:

* ``PublishedRecordFilter`` (listing pages): the value must be the slug of a
  *published* record — the whitelist is ``model.objects.published()``, checked
  per request — so a made-up slug or a draft's slug is a form error (the
  listing answers 400 and says which filter), never a server error or a leak.
* ``LinkedRecordFilter`` (the API's extra filters): any slug is accepted and
  matches records linked to the *published* record with that slug; an unknown
  slug simply matches nothing, as API clients expect of a query parameter.

Both go through ``published()``, so a draft never changes what a reader gets back.
"""

import django_filters
from django import forms
from django.apps import apps
from django_filters.constants import EMPTY_VALUES

YES_NO = [("yes", "Yes"), ("no", "No")]


class PublishedRecordFilter(django_filters.ModelChoiceFilter):
    """One record of ``model``, named by slug, among the *published* ones."""

    def __init__(self, model, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        super().__init__(queryset=lambda request: model.objects.published(), **kwargs)


class LinkedRecordFilter(django_filters.CharFilter):
    """Records linked to the published ``model_label`` record with this slug.

    ``related`` is the lookup from that record back to the filtered model, e.g.
    ``ResearchAgenda`` → ``"key_organizations"`` for "organizations on this
    agenda". One subquery; no joins on the outer query, so no duplicates.
    """

    def __init__(self, model_label, related, **kwargs):
        self.model_label = model_label
        self.related = related
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        model = apps.get_model(self.model_label)
        linked = (
            model.objects.published()
            .filter(slug=value)
            .exclude(**{f"{self.related}__isnull": True})
            .values(self.related)
        )
        return qs.filter(pk__in=linked)


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class TagFilter(django_filters.CharFilter):
    """Records with the tag of this slug (one subquery, no duplicates)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("field_name", "tags__slug")
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault("help_text", "Tag slug.")
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        model = qs.model
        return qs.filter(pk__in=model.objects.filter(tags__slug=value).values("pk"))
