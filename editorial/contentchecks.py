"""Content checks: warnings about a record's text, shown in its change form's side panel.

They are advice, never errors: an editor can save and publish anyway. Each check
reads the record's Markdown fields (declared on the model as ``MarkdownField``)
and its summary:

* a Markdown heading that skips a level (``##`` followed by ``####``), or a
  level-1 heading (the page's title is the only one);
* link text that says nothing out of context ("click here", "read more") or is
  a bare address;
* a record link (``role:slug``, ``/roles/slug/``) to a record that does not
  exist or is not published (``editorial.linkcheck.check_link``);
* an image without alt text;
* a summary longer than cards and search results show in full.

``content_warnings(obj)`` returns ``[Warning]``; ``check_text(text)`` runs the
text checks on one piece of Markdown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core import registry

# Cards and search results show a summary in full up to this length; longer ones
# are cut by the reader's browser on narrow screens (two lines at 375 px).
CARD_SUMMARY_LIMIT = 160

VAGUE_LINK_TEXTS = {
    "click here",
    "click",
    "here",
    "this",
    "this link",
    "link",
    "read more",
    "more",
    "learn more",
    "find out more",
    "see here",
    "go",
}

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^(#{1,6})\s+\S")
# [text](target "title") — images start with "!".
_LINK = re.compile(r"(!?)\[([^\]\n]*)\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_BARE_URL = re.compile(r"(?<![(<\[\"'=])\bhttps?://[^\s)>\]]+")
_URLISH = re.compile(r"^(https?://|www\.)\S+$", re.IGNORECASE)


@dataclass(frozen=True)
class Warning:
    field: str  # the field's label
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def _prose_lines(text: str):
    """The lines of ``text`` outside fenced code blocks."""
    fenced = False
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            yield line


def heading_problems(text: str) -> list[str]:
    problems = []
    previous = None
    for line in _prose_lines(text):
        match = _HEADING.match(line)
        if not match:
            continue
        level = len(match.group(1))
        heading = line.lstrip("#").strip()
        if level == 1:
            problems.append(
                _("“%(heading)s” is a level-1 heading: the page title is the only one; use ##.")
                % {"heading": heading}
            )
        elif previous is not None and level > previous + 1:
            problems.append(
                _("“%(heading)s” skips from level %(previous)s to level %(level)s.")
                % {"heading": heading, "previous": previous, "level": level}
            )
        previous = level
    return problems


def link_text_problems(text: str) -> list[str]:
    problems = []
    prose = "\n".join(_prose_lines(text))
    for image, label, target in _LINK.findall(prose):
        clean = " ".join(label.split())
        if image:
            if not clean:
                problems.append(
                    _("The image %(src)s has no alt text: describe it between the brackets.")
                    % {"src": target or "…"}
                )
            continue
        if clean.lower().strip(".…!:") in VAGUE_LINK_TEXTS:
            problems.append(
                _("The link text “%(text)s” says nothing out of context: name where it leads.")
                % {"text": clean}
            )
        elif _URLISH.match(clean):
            problems.append(
                _("The link text is a bare address (%(text)s): name where it leads.")
                % {"text": clean}
            )
    without_links = _LINK.sub("", prose)
    for url in [*_AUTOLINK.findall(without_links), *_BARE_URL.findall(without_links)]:
        problems.append(
            _("A bare address (%(url)s): write it as [what it is](%(url)s).") % {"url": url}
        )
    return problems


def record_link_problems(text: str) -> list[str]:
    from .linkcheck import check_link, extract_links

    return [
        f"{href}: {found[1]}"
        for href in dict.fromkeys(extract_links(text))
        if (found := check_link(href))
    ]


def check_text(text: str) -> list[str]:
    """Every text warning for one Markdown text, in reading order of the checks."""
    if not text:
        return []
    return [*heading_problems(text), *link_text_problems(text), *record_link_problems(text)]


def content_warnings(obj) -> list[Warning]:
    """Warnings for a (saved or unsaved) record: its Markdown fields and its summary."""
    warnings = []
    summary = getattr(obj, "summary", "") or ""
    if len(summary) > CARD_SUMMARY_LIMIT:
        warnings.append(
            Warning(
                str(obj._meta.get_field("summary").verbose_name).capitalize(),
                _("%(length)s characters; cards and search results show about %(limit)s in full.")
                % {"length": len(summary), "limit": CARD_SUMMARY_LIMIT},
            )
        )
    for name in registry.markdown_fields(type(obj)):
        label = str(obj._meta.get_field(name).verbose_name).capitalize()
        warnings.extend(Warning(label, message) for message in check_text(getattr(obj, name)))
    return warnings
