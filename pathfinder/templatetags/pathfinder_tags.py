"""Template tags of the decision page."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


def _attributes(attrs: dict) -> str:
    """`` name="value"`` for each attribute as Django's ``attrs.html`` writes
    them, in their order: ``True`` as a bare name, ``False`` left out (and
    ``None``, which Django's widgets never set and ``attrs.html`` would write
    as "None")."""
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(format_html(" {}", name))
        elif value is not False and value is not None:
            parts.append(format_html(' {}="{}"', name, value))
    return mark_safe("".join(parts))


@register.simple_tag
def choice_items(field):
    """One ``<li>`` per choice of a checkbox or radio ``field``: its input as
    Django's ``input.html`` writes it, then its label.

    Built here rather than by ``{% for option in field %}`` in the template: the
    page's hundreds of choices (every background, bet and failure mode) cost a
    few template nodes each: the start page took a sixth longer at full scale."""
    return format_html_join(
        "",
        '<li><input type="{}" name="{}"{}{}> <label for="{}">{}</label></li>',
        (
            (
                data["type"],
                data["name"],
                "" if data["value"] is None else format_html(' value="{}"', data["value"]),
                _attributes(data["attrs"]),
                option.id_for_label,
                option.choice_label,
            )
            for option in field
            for data in (option.data,)
        ),
    )
