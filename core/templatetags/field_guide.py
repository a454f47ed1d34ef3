from django import template

from core.markdown import render_markdown
from core.seo import breadcrumb_list, jsonld_script

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(value):
    """Render editor Markdown as sanitized HTML."""
    return render_markdown(value)


@register.filter
def minutes(value):
    """Format a number of minutes as "1 h 30 min"."""
    try:
        total = int(value)
    except (TypeError, ValueError):
        return ""
    hours, mins = divmod(total, 60)
    if hours and mins:
        return f"{hours} h {mins} min"
    if hours:
        return f"{hours} h"
    return f"{mins} min"


@register.simple_tag
def jsonld(data):
    """Render a dict as a JSON-LD script element."""
    return jsonld_script(data)


@register.simple_tag(takes_context=True)
def breadcrumbs_jsonld(context, crumbs):
    return jsonld_script(breadcrumb_list(context["request"], crumbs))
