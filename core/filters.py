"""Filter building blocks shared by the listings' FilterSets."""

import django_filters


class PublishedRecordFilter(django_filters.ModelChoiceFilter):
    """One record of ``model``, named by slug, among the *published* ones.

    The whitelist is ``model.objects.published()``, evaluated per request: a
    made-up slug or a draft's slug is a form error (the listing answers 400 and
    says which filter), never a server error or a leak of the draft.
    """

    def __init__(self, model, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        super().__init__(queryset=lambda request: model.objects.published(), **kwargs)
