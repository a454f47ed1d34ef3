"""Ways into the decision page from the home page and every agenda and role page (hooks).

No queries: an agenda page links to the decision page with its own bet
already chosen (when it states one); a role page links to it plainly.
"""

from django.urls import reverse

from careers.models import Role
from guides.models import ResearchAgenda

SECTION_TEMPLATE = "pathfinder/partials/find_your_direction.html"


def home_actions(request):
    """The home page's call to action (hook ``home_actions``)."""
    return [("Find your direction", reverse("pathfinder:plan"))]


def plan_link_context(request, obj):
    """``plan_link``: where the record page links to the decision page.

    (Hook ``record_page_context``.)
    """
    if not getattr(obj, "is_published", False):
        return {}
    url = reverse("pathfinder:plan")
    if isinstance(obj, ResearchAgenda):
        if obj.if_you_believe.strip():
            url += f"?bet={obj.slug}"
        return {"plan_link": {"url": url, "kind": "agenda"}}
    if isinstance(obj, Role):
        return {"plan_link": {"url": url, "kind": "role"}}
    return {}


def plan_link_sections(request, obj):
    """Include the link section on agenda and role pages (hook ``record_page_sections``)."""
    if isinstance(obj, ResearchAgenda | Role) and getattr(obj, "is_published", False):
        return [SECTION_TEMPLATE]
    return []
