"""Base views every app builds on, and the pages made from the whole registry.

* ``SafePaginator``, ``BreadcrumbMixin`` — used by every listing and page.
* ``RecordPageMixin`` — a record's detail page: runs the ``record_page_context``
  hook (``core.hooks``) so apps above the kernel add to every record page.
* ``SlugHistoryRedirectMixin`` — an old slug answers 301 to the current page.
* ``HomeView``, ``TagListView``, ``TagDetailView`` — one section per registered
  record type (``core.registry``), in ``home_order``.
"""

from urllib.parse import quote

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, Value
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse
from django.views.generic import TemplateView
from taggit.models import Tag

from . import dependencies, hooks, registry
from .cards import card_records, card_union
from .reversing import TOPIC_SLUG, slug_url, view_url
from .topics import published_topic_counts, topic_counts_by_type


class SafePaginator(Paginator):
    """A page number that is not a number, or out of range, is a 404 — never a 500."""

    def validate_number(self, number):
        try:
            return super().validate_number(number)
        except (PageNotAnInteger, EmptyPage) as exc:
            raise Http404(f"No such page: {exc}") from exc


class BreadcrumbMixin:
    """Views list their trail as ``[(label, url), ...]``; the last item is this page."""

    def get_breadcrumbs(self):
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = [("Home", "/"), *self.get_breadcrumbs()]
        return context


class RecordPageMixin:
    """A record's detail page: adds what other apps contribute (hook
    ``record_page_context``, e.g. the citation) to the context, and the
    templates they add at the end of the page (hook ``record_page_sections``,
    included by ``base.html`` as ``record_page_sections``)."""

    def get_context_data(self, **kwargs):
        obj = self.object
        # The page shows what points at the record (reverse relations, "What links here").
        record_type = registry.for_model(obj)
        dependencies.depends_on(dependencies.reverse_key(type(obj), obj.pk))
        if record_type is not None:
            dependencies.depends_on(dependencies.link_key(record_type.slug, obj.slug))
        context = super().get_context_data(**kwargs)
        for extra in hooks.run("record_page_context", request=self.request, obj=self.object):
            context.update(extra)
        context["record_page_sections"] = [
            template
            for templates in hooks.run(
                "record_page_sections", request=self.request, obj=self.object
            )
            for template in templates or ()
        ]
        return context


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


def record_types():
    """``[(model, heading, list_url, select_related), ...]`` in the home page's order."""
    return [
        (rt.model, rt.heading, view_url(rt.list_url_name), rt.card_related)
        for rt in registry.record_types(order="home_order")
    ]


class HomeView(TemplateView):
    """What the site is for, a way into every section, and what changed lately.

    Queries: one for every type's count together (a ``UNION ALL``), one
    "recently updated" query per record type.
    """

    template_name = "core/home.html"
    recent_total = 8

    @staticmethod
    def published_counts(models):
        return _published_counts(models)

    def recently_updated(self, types):
        return _recently_updated(types, self.recent_total)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        types = record_types()
        counts = self.published_counts([model for model, *_rest in types])
        sections = [
            {
                "heading": heading,
                "url": url,
                "count": counts[index],
                "blurb": registry.for_model(model).blurb,
            }
            for index, (model, heading, url, _related) in enumerate(types)
        ]
        recent = self.recently_updated(types)
        context.update(
            is_home=True,
            # The hero's calls to action: the types that declare one, first one primary.
            actions=[
                (rt.home_action, view_url(rt.list_url_name))
                for rt in registry.record_types(order="home_order")
                if rt.home_action
            ]
            # …and the ones apps above the kernel add (hook ``home_actions``).
            + [
                action
                for extra in hooks.run("home_actions", request=self.request)
                for action in extra
            ],
            # Structured data only: a one-item trail is not worth showing on the page.
            home_breadcrumbs=[("Home", "/")],
            sections=sections,
            recently_updated=recent,
        )
        return context


def _union(parts):
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]


def _published_counts(models) -> dict[int, int]:
    """``{index: number of published records}`` of each model, in one query."""
    if not models:
        return {}
    parts = [
        model.objects.published()
        .order_by()
        .annotate(_group=Value(index))
        .values("_group")
        .annotate(_count=Count("pk"))
        .values_list("_group", "_count")
        for index, model in enumerate(models)
    ]
    counts = dict.fromkeys(range(len(models)), 0)
    counts.update(dict(_union(parts)))
    return counts


def _recently_updated(types, limit: int) -> list:
    """The ``limit`` published records updated last, across ``types`` — one query
    (a ``UNION ALL`` of every type's cards, newest first), whatever the data."""
    models = [model for model, *_rest in types]
    # Each type's newest few (read backwards from its ``_recent`` index), then
    # the newest of those: not every record of every type sorted.
    union = card_union(
        [model.objects.published() for model in models], first=(("-updated", "-pk"), limit)
    )
    if union is None:
        return []
    rows = union.order_by("-_updated", "_group", "-_id")[:limit]
    return [record for _group, record in card_records(rows, models)]


def published_tags():
    """Every tag on at least one published record, by name, with ``record_count``:
    two queries, whatever the data (a record has a tag at most once). The page
    depends on the listing of every type, as when each type was counted on its own.

    The counts are stored per topic and record type (``core.topics``: the
    records marked published, less those scheduled for later, read in one
    query); counting every tagging against its type's published records here
    took 36–50 ms of SQL at full scale (docs/performance.md, 4 December 2026).
    """
    models = [model for model, *_rest in record_types()]
    for model in models:
        dependencies.depends_on(dependencies.listing_key(model))
    counts = published_topic_counts(models)
    # Every tag read, those without a published record dropped here: no list of
    # ids as parameters (thousands of tags would pass SQLite's limit).
    tags = [tag for tag in Tag.objects.order_by("name") if tag.pk in counts] if counts else []
    for tag in tags:
        tag.record_count = counts[tag.pk]
    return tags


class TagListView(BreadcrumbMixin, TemplateView):
    """Every tag that labels at least one published record, with its count."""

    template_name = "core/tag_list.html"

    def get_breadcrumbs(self):
        return [("Topics", reverse("core:tag_list"))]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tags = list(published_tags())
        # The topic page's URL reversed once, not once per tag (hundreds: a
        # sixth of the page's time).
        for tag in tags:
            tag.url = slug_url("core:tag_detail", tag.slug, converter=TOPIC_SLUG)
        context["tags"] = tags
        return context


class TagDetailView(BreadcrumbMixin, TemplateView):
    """Every published record with this tag, grouped by type. Unknown tag → 404.

    A group shows its first ``group_limit`` records and how many it has; the
    rest are a link away — the type's listing filtered by the topic, when the
    listing has a ``tag`` filter, else the group paged on this page
    (``?type=role&page=2``, ``per_page`` a page; an unknown type or page is a
    404). Besides the tag, two queries whatever the data: one for every
    group's records, one for their sizes (the stored topic counts, ``core.topics``).
    """

    template_name = "core/tag_detail.html"
    group_limit = 12
    per_page = 48

    def get_breadcrumbs(self):
        crumbs = [
            ("Topics", reverse("core:tag_list")),
            (self.tag.name, reverse("core:tag_detail", kwargs={"slug": self.tag.slug})),
        ]
        if self.record_type is not None:
            url = crumbs[-1][1] + f"?type={self.record_type.slug}"
            crumbs.append((self.record_type.heading, url))
        return crumbs

    def get_context_data(self, **kwargs):
        self.record_type, number = self.requested_page()
        self.tag = Tag.objects.filter(slug=self.kwargs["slug"]).first()
        if self.tag is None:
            raise Http404("No such tag.")
        groups = self.tagged_groups(number)
        if not groups:
            # A tag used only on drafts is not shown (nor its name leaked).
            raise Http404("No published records with this tag.")
        context = super().get_context_data(**kwargs)
        context.update(
            tag=self.tag,
            groups=groups,
            total=sum(group["total"] for group in groups),
            total_label=f"{sum(group['total'] for group in groups):,}",
            record_type=self.record_type,
            page_obj=groups[0]["page"] if self.record_type is not None else None,
        )
        return context

    def requested_page(self):
        """``(record type, page number)`` of ``?type=…&page=…``; ``(None, 1)``
        for the whole topic. A type that is not a record type's slug, or a page
        that is not a positive number (or without a type), is a 404."""
        raw_type = self.request.GET.get("type")
        raw_page = self.request.GET.get("page")
        if raw_type is None:
            if raw_page is not None:
                raise Http404("A page of which kind of record?")
            return None, 1
        record_type = registry.get(raw_type)
        if record_type is None or record_type.model not in [m for m, *_ in record_types()]:
            raise Http404("No such kind of record.")
        if raw_page is None:
            return record_type, 1
        if not raw_page.isascii() or not raw_page.isdigit() or not 1 <= int(raw_page) <= 10**6:
            raise Http404("No such page.")
        return record_type, int(raw_page)

    def more_url(self, model) -> str:
        """Where a long group is seen in full: its listing filtered by this topic
        when the listing has a ``tag`` filter, else its pages on this page."""
        record_type = registry.for_model(model)
        filterset = record_type.filterset_class if record_type else None
        if filterset is not None and "tag" in filterset.base_filters:
            return f"{reverse(record_type.list_url_name)}?tag={quote(self.tag.slug)}"
        here = reverse("core:tag_detail", kwargs={"slug": self.tag.slug})
        return f"{here}?type={record_type.slug}"

    def tagged_groups(self, number: int = 1) -> list[dict]:
        """``[{heading, url, records, total, more_url, page}]`` of the types with
        published records with this tag, each in its model's order, at most
        ``group_limit`` records a group (or one page of the requested type) —
        one query for every type together, one for each group's size."""
        types = record_types()
        if self.record_type is not None:
            types = [t for t in types if t[0] is self.record_type.model]
            start = (number - 1) * self.per_page
            ranks = (start, start + self.per_page)
        else:
            ranks = (0, self.group_limit)
        models = [model for model, *_rest in types]
        union = card_union(
            [model.objects.published().filter(tags=self.tag) for model in models], ranks=ranks
        )
        rows = union.order_by("_group", "_rank") if len(models) > 1 else union
        grouped: dict[int, list] = {}
        for group, record in card_records(rows, models):
            grouped.setdefault(group, []).append(record)
        # Each group's size from the stored topic counts (core.topics), never
        # fewer than the rows at hand.
        sizes = topic_counts_by_type(self.tag, models) if grouped else {}
        groups = []
        for index, (model, heading, url, _related) in enumerate(types):
            if index not in grouped:
                continue
            total = max(sizes.get(model, 0), ranks[0] + len(grouped[index]))
            group = {
                "heading": heading,
                "url": url,
                "records": grouped[index],
                "total": total,
                "total_label": f"{total:,}",
                "plural": registry.for_model(model).verbose_name_plural,
                "more_url": "",
                "page": None,
            }
            if self.record_type is not None:
                # A page past the end has no rows: no group, a 404 above.
                paginator = SafePaginator(range(group["total"]), self.per_page)
                group["page"] = paginator.page(number)
                group["page"].object_list = group["records"]
            elif group["total"] > len(group["records"]):
                group["more_url"] = self.more_url(model)
            groups.append(group)
        return groups
