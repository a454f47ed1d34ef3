"""The decision page, "How this works", and the plan as a calendar and a feed.

The plan depends only on the URL, so every response here is cached by the page
cache like any reader page; a form with errors answers 400 (never cached).
"""

from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.views.generic import TemplateView

from core.seo import absolute_url
from core.views import BreadcrumbMixin
from opendata.calendar import build_calendar

from . import scoring
from .plan import plan_from_request

PLAN_PATH = reverse_lazy("pathfinder:plan")


class PlanView(BreadcrumbMixin, TemplateView):
    """``/find-your-direction/``: the form, and under it the plan its URL describes."""

    template_name = "pathfinder/plan.html"

    def get(self, request, *args, **kwargs):
        form, plan = plan_from_request(request, start_programs=scoring.START_PROGRAMS)
        context = self.get_context_data(form=form, plan=plan, weights=weights())
        status = 400 if form.is_bound and not form.is_valid() else 200
        return self.render_to_response(context, status=status)

    def get_breadcrumbs(self):
        return [("Find your direction", PLAN_PATH)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.urlencode()
        suffix = f"?{query}" if query else ""
        context.update(
            json_url=reverse("api:plan-list") + suffix,
            ics_url=reverse("pathfinder:plan_ics") + suffix,
            feed_url=reverse("pathfinder:plan_feed") + suffix,
            share_url=absolute_url(self.request, self.request.get_full_path()),
        )
        return context


class HowItWorksView(BreadcrumbMixin, TemplateView):
    template_name = "pathfinder/how_it_works.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(weights=weights(), top_agendas=scoring.TOP_AGENDAS)
        return context

    def get_breadcrumbs(self):
        return [("Find your direction", PLAN_PATH), ("How this works", self.request.path)]


def weights() -> dict:
    return {
        "background": scoring.BACKGROUND_POINTS,
        "bet": scoring.BET_POINTS,
        "concern": scoring.CONCERN_POINTS,
        "timeline": scoring.TIMELINE_POINTS,
        "archived": scoring.ARCHIVED_POINTS,
        "declining": scoring.DECLINING_POINTS,
        "role_background": scoring.ROLE_BACKGROUND_POINTS,
        "role_agenda": scoring.ROLE_AGENDA_POINTS,
    }


def _bad_request(form) -> HttpResponse:
    lines = [f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()]
    return HttpResponse(
        "Bad request\n" + "\n".join(lines), status=400, content_type="text/plain; charset=utf-8"
    )


def plan_ics(request):
    """The deadlines (and cohort starts) of the programs the plan says you can apply to."""
    form, plan = plan_from_request(request)
    if form.is_bound and not form.is_valid():
        return _bad_request(form)
    programs = [entry.program for entry in plan.programs] if plan else []
    body = build_calendar(request, programs, name="Your plan: program dates")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="plan.ics"'
    return response


class PlanFeed(Feed):
    """An entry per record on the plan, and one when a program on it opens."""

    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        form, plan = plan_from_request(request)
        if form.is_bound and not form.is_valid():
            return _bad_request(form)
        self._plan = plan
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return self._plan

    def title(self, plan):
        return "Your plan — Find your direction"

    def subtitle(self, plan):
        return (
            "Records that match your answers on the decision page, and programs on your plan "
            "as their applications open."
        )

    def link(self, plan):
        query = self.request.GET.urlencode()
        return str(PLAN_PATH) + (f"?{query}" if query else "")

    def feed_url(self, plan):
        return self.request.get_full_path()

    def items(self, plan):
        return feed_entries(plan, self.request) if plan else []

    def item_title(self, item):
        return item["title"]

    def item_description(self, item):
        return item["description"]

    def item_link(self, item):
        return item["url"]

    def item_guid(self, item):
        return item["id"]

    def item_guid_is_permalink(self, item):
        return False

    def item_pubdate(self, item):
        return item["date"]

    def item_updateddate(self, item):
        return item["updated"]


def feed_entries(plan, request) -> list[dict]:
    """The plan's feed entries, newest first: every record it names, and each opening."""
    import datetime

    from django.utils import timezone

    def when(day):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time()), datetime.UTC)

    entries = []

    def add(kind, record, title, reasons):
        published = record.publish_at or record.created
        entries.append(
            {
                "id": absolute_url(request, f"{record.get_absolute_url()}#plan-{kind}"),
                "title": title,
                "description": "; ".join(reasons),
                "url": record.get_absolute_url(),
                "date": published,
                "updated": record.updated,
            }
        )

    for scored in plan.agendas:
        add(
            "agenda",
            scored.agenda,
            f"Agenda on your plan: {scored.agenda.name}",
            [r.text for r in scored.reasons],
        )
    for scored in plan.roles:
        add(
            "role",
            scored.record,
            f"Role on your plan: {scored.record.name}",
            [r.text for r in scored.reasons],
        )
    for entry in plan.programs:
        program = entry.program
        add(
            "program",
            program,
            f"Program on your plan: {program.name}",
            entry.reasons or [program.summary],
        )
        opens = program.applications_open
        if opens and opens <= plan.today:
            entries.append(
                {
                    "id": absolute_url(
                        request, f"{program.get_absolute_url()}#opened-{opens.isoformat()}"
                    ),
                    "title": f"Applications open: {program.name}",
                    "description": (
                        f"Applications opened on {opens.isoformat()}"
                        + (
                            f" and close on {program.application_deadline.isoformat()}"
                            if program.application_deadline
                            else ""
                        )
                        + "."
                    ),
                    "url": program.get_absolute_url(),
                    "date": when(opens),
                    "updated": when(opens),
                }
            )
    entries.sort(key=lambda e: (e["date"], e["id"]), reverse=True)
    return entries


plan_feed = PlanFeed()
