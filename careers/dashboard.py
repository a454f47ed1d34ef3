"""Roles with no way in, for the editors' review dashboard.

Hook ``review_dashboard_sections``: the roles (published or not) whose "How to
get there" would name nothing — no program, background, guide or paper leads
in — so an editor can link one. Queries: one count, one page of names.
"""

from django.urls import NoReverseMatch, reverse

from .models import Role
from .pathway import roles_without_a_way_in

ROWS = 50
TEMPLATE = "admin/careers/way_in_section.html"


def review_section(request, site):
    if not request.user.has_perm("careers.view_role"):
        return None
    missing = roles_without_a_way_in(Role.objects.all()).order_by("name", "pk")
    count = missing.count()
    rows = []
    for pk, name, status in missing.values_list("pk", "name", "status")[:ROWS]:
        try:
            url = reverse(f"{site.name}:careers_role_change", args=[pk])
        except NoReverseMatch:
            url = None
        rows.append({"name": name, "status": status, "change_url": url})
    return {"template": TEMPLATE, "rows": rows, "count": count, "more": max(0, count - ROWS)}
