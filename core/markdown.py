"""Safe Markdown: markdown-it-py renders, nh3 sanitizes.

Editors write Markdown; raw HTML in it is escaped by the parser and whatever
HTML the parser produces is filtered again by nh3 against an allow-list, so an
editor's ``<script>`` never reaches a reader. Internal links may name records:
``[MATS](program:mats)`` renders as a link to that program's page; the prefixes
are the registered record types' slugs and extra prefixes (``core.registry``).
"""

import functools
import re
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

from . import registry

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3",
    "h4", "h5", "h6", "hr", "li", "ol", "p", "pre", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


def split_record_link(href: str) -> tuple[str, str] | None:
    """``"program:mats"`` → ``("program", "mats")``; anything else → ``None``."""
    prefix, sep, slug = href.partition(":")
    if sep and slug and "/" not in slug and registry.for_prefix(prefix) is not None:
        return prefix, slug
    return None


def resolve_record_link(href: str) -> str | None:
    parts = split_record_link(href)
    if parts is None:
        return None
    prefix, slug = parts
    try:
        return reverse(registry.for_prefix(prefix).detail_url_name, kwargs={"slug": slug})
    except NoReverseMatch:
        return None


def _link_open(self, tokens, idx, options, env):
    token = tokens[idx]
    href = token.attrGet("href") or ""
    resolved = resolve_record_link(href)
    if resolved:
        token.attrSet("href", resolved)
    return self.renderToken(tokens, idx, options, env)


@functools.cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table").enable("strikethrough")
    # Let record links (``program:mats``) through the parser's URL validation.
    default_validate = md.validateLink
    md.validateLink = lambda url: bool(split_record_link(url)) or default_validate(url)
    md.add_render_rule("link_open", _link_open)
    return md


def render_markdown(text: str | None) -> str:
    """Render editor Markdown to sanitized HTML (marked safe for templates)."""
    if not text:
        return mark_safe("")
    html = _parser().render(text)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return mark_safe(clean)  # sanitized by nh3 above


def markdown_to_text(text: str | None) -> str:
    """Plain text of a Markdown field, for meta descriptions and snippets."""
    if not text:
        return ""
    return nh3.clean(_parser().render(text), tags=set()).strip()


_MAY_LINK_RE = re.compile(r"\]\(|<|\]:")


def extract_links(text: str | None) -> list[str]:
    """Every link target in a Markdown text, in order (inline, reference, autolink).

    Uses the renderer's own parser, so a link counts exactly when readers see
    one: ``(program:mats)`` in plain prose or inside a code span is no link.
    """
    if not text or not _MAY_LINK_RE.search(text):
        return []  # no "](", "<" or "]:": no inline link, autolink or reference definition
    links = []
    stack = list(_parser().parse(text))
    while stack:
        token = stack.pop(0)
        if token.children:
            stack[0:0] = token.children
        if token.type == "link_open":
            href = token.attrGet("href")
            if href:
                links.append(str(href))
    return links


def site_path(href: str) -> str | None:
    """The path part of a site-relative (or own-site absolute) URL, else None."""
    if href.startswith("/") and not href.startswith("//"):
        return urlsplit(href).path
    site = getattr(settings, "SITE_URL", "")
    if site and (href == site or href.startswith(site + "/")):
        return urlsplit(href).path or "/"
    return None
