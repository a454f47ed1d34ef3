from django.apps import apps
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count
from django.http import Http404
from django.urls import reverse
from django.views.generic import TemplateView
from taggit.models import Tag


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


# Reader-facing record types, in the order the home page and tag pages show them:
# (model label, plural heading, listing URL name, select_related for cards).
RECORD_TYPES = [
    ("careers.Role", "Roles", "careers:role_list", ("category",)),
    ("guides.ResearchAgenda", "Research agendas", "guides:agenda_list", ()),
    ("organizations.Organization", "Organizations", "organizations:organization_list", ("type",)),
    ("guides.Guide", "Guides", "guides:guide_list", ()),
    ("guides.Paper", "Papers and books", "guides:paper_list", ()),
    ("careers.Program", "Programs", "careers:program_list", ()),
    ("guides.FailureMode", "Failure modes", "guides:failuremode_list", ()),
]

HOME_BLURBS = {
    "careers.Role": "What the jobs are, what they pay and how people get them.",
    "guides.ResearchAgenda": "The research directions, the bets they make and who works on them.",
    "organizations.Organization": "Labs, nonprofits, institutes and funders in the field.",
    "guides.Guide": "Reading paths with time estimates, from first steps to the frontier.",
    "guides.Paper": "The papers, books and posts worth reading, with reading times.",
    "careers.Program": "Fellowships, courses and residencies that lead into the work.",
    "guides.FailureMode": "The ways advanced AI could go wrong, and who is working on each.",
}


def record_types():
    """``[(model, heading, list_url, select_related), ...]`` for every record type."""
    return [
        (apps.get_model(label), heading, reverse(url_name), related)
        for label, heading, url_name, related in RECORD_TYPES
    ]


class HomeView(TemplateView):
    """What the site is for, a way into every section, and what changed lately.

    Queries: one count and one "recently updated" query per record type.
    """

    template_name = "core/home.html"
    recent_per_type = 8
    recent_total = 8

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sections = []
        recent = []
        for model, heading, url, related in record_types():
            published = model.objects.published()
            sections.append(
                {
                    "heading": heading,
                    "url": url,
                    "count": published.count(),
                    "blurb": HOME_BLURBS.get(model._meta.label, ""),
                }
            )
            recent.extend(
                published.select_related(*related).order_by("-updated")[: self.recent_per_type]
            )
        recent.sort(key=lambda record: record.updated, reverse=True)
        context.update(
            is_home=True,
            # Structured data only: a one-item trail is not worth showing on the page.
            home_breadcrumbs=[("Home", "/")],
            sections=sections,
            recently_updated=recent[: self.recent_total],
        )
        return context


class SearchView(BreadcrumbMixin, TemplateView):
    """Site-wide search: ``/search/?q=…&type=…&page=…`` (see ``core.search``).

    Any input gives a page: the query is cleaned and capped, an unknown type is
    ignored with a note, and a page number out of range is a 404.
    """

    template_name = "core/search.html"
    paginate_by = 20

    def get_breadcrumbs(self):
        return [("Search", self.request.path)]

    def get_context_data(self, **kwargs):
        from . import search
        from .facets import build_facet

        context = super().get_context_data(**kwargs)
        cleaned = search.clean_query(self.request.GET.get("q", ""))
        raw_type = search.clean_text(self.request.GET.get("type", "")).strip()
        record_type = raw_type if raw_type in search.RECORD_TYPES else None
        results = search.search(cleaned.text, record_type)

        page, hits = None, []
        if cleaned.text:
            paginator = SafePaginator(results.entries, self.paginate_by)
            paginator.count = results.count  # known from the facet query; saves a COUNT
            page = paginator.page(self.request.GET.get("page") or 1)
            hits = results.hits(page.object_list)
        context.update(
            query=cleaned.text,
            query_truncated=cleaned.truncated,
            max_query_length=search.MAX_QUERY_LENGTH,
            unknown_type=raw_type if raw_type and record_type is None else "",
            record_type=record_type,
            record_type_label=search.RECORD_TYPES[record_type].plural if record_type else "",
            results=results,
            page_obj=page,
            hits=hits,
            type_facet=build_facet(
                self.request,
                "type",
                "Type",
                [(rt.slug, rt.plural) for rt in search.RECORD_TYPES.values()],
                results.counts,
            ),
        )
        return context


def published_tag_counts():
    """``{tag_id: number of published records}`` over every type — one query per type."""
    counts: dict[int, int] = {}
    for model, *_rest in record_types():
        rows = (
            model.objects.published()
            .filter(tags__isnull=False)
            .order_by()
            .values("tags__id")
            .annotate(n=Count("pk", distinct=True))
        )
        for row in rows:
            counts[row["tags__id"]] = counts.get(row["tags__id"], 0) + row["n"]
    return counts


class TagListView(BreadcrumbMixin, TemplateView):
    """Every tag that labels at least one published record, with its count."""

    template_name = "core/tag_list.html"

    def get_breadcrumbs(self):
        return [("Topics", reverse("core:tag_list"))]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = published_tag_counts()
        tags = list(Tag.objects.filter(pk__in=counts).order_by("name")) if counts else []
        for tag in tags:
            tag.record_count = counts[tag.pk]
        context["tags"] = tags
        return context


class TagDetailView(BreadcrumbMixin, TemplateView):
    """Every published record with this tag, grouped by type. Unknown tag → 404."""

    template_name = "core/tag_detail.html"

    def get_breadcrumbs(self):
        return [
            ("Topics", reverse("core:tag_list")),
            (self.tag.name, reverse("core:tag_detail", kwargs={"slug": self.tag.slug})),
        ]

    def get_context_data(self, **kwargs):
        self.tag = Tag.objects.filter(slug=self.kwargs["slug"]).first()
        if self.tag is None:
            raise Http404("No such tag.")
        groups = []
        for model, heading, url, related in record_types():
            records = list(
                model.objects.published()
                .filter(tags__slug=self.tag.slug)
                .select_related(*related)
                .distinct()
            )
            if records:
                groups.append({"heading": heading, "url": url, "records": records})
        if not groups:
            # A tag used only on drafts is not shown (nor its name leaked).
            raise Http404("No published records with this tag.")
        context = super().get_context_data(**kwargs)
        context.update(
            tag=self.tag,
            groups=groups,
            total=sum(len(group["records"]) for group in groups),
        )
        return context
