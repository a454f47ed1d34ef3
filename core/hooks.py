"""Named extension points that apps above the kernel plug into.

An app registers a function under a hook name in its ``AppConfig.ready()``;
the kernel calls every function registered under that name without knowing
which apps they come from::

    hooks.register("record_page_context", citation_context)
    ...
    for extra in hooks.run("record_page_context", request=request, obj=obj):
        context.update(extra)

Hooks used by the project:

* ``record_page_context(request, obj) -> dict`` — extra context for every
  record's detail page (``core.views.RecordPageMixin``), e.g. the suggested
  citation from ``opendata``.
* ``record_page_sections(request, obj) -> [template name]`` — sections every
  record's detail page ends with (``base.html`` includes them after the page's
  content, with the page's context), e.g. the reader feedback forms.
* ``cache_keys_for(instance) -> set of keys`` — page cache dependency keys
  (``core.dependencies``) to invalidate, besides the kernel's own, when a record
  becomes visible; ``links`` adds the records its Markdown links to.
* ``rebuild_derived(batch_size) -> (name, count)`` — rebuild a table derived
  from the records (the search index, the Markdown link table) after bulk
  writes; see ``core.derived``.
* ``listing_links(request, record_type) -> [link]`` — links every listing page
  offers (``{% open_data_links %}``, ``{% listing_feed_links %}``): the open
  data app's feed, downloads and API.
* ``site_search_url() -> str`` — the search page the header's form sends to.
* ``site_search_suggest() -> dict`` — type-ahead for the header's search box:
  ``{"url": JSON endpoint, "script": static path}`` (progressive enhancement).
* ``home_actions(request) -> [(label, url)]`` — more calls to action in the
  home page's hero, after the record types' own (``core.views.HomeView``), e.g.
  the decision page.
* ``api_routes() -> [(prefix, viewset, basename)]`` — extra API endpoints
  (``opendata.api.urls``), e.g. the organization types.
* ``csrf_failure(request, reason) -> HttpResponse | None`` — a chance to answer a
  refused form other than with the 403 page (``core.errors.csrf_failure``);
  ``editorial`` keeps an editor's own admin form across a rotated token.
* ``review_dashboard_sections(request, site) -> dict | None`` — extra sections
  of the editors' review dashboard (``editorial.views.review_dashboard``): a
  dict with ``template`` (included with the dict as ``section``).
* ``content_admin_initial(request, obj) -> {field: value}`` — values a
  record's change form opens with (GET only) instead of the saved ones
  (``editorial.formhooks``), e.g. a reader's suggested text.
* ``content_admin_before_save(request, obj, change)`` and
  ``content_admin_saved(request, obj, change)`` — run around the admin's save
  of a record (after its child rows and links are saved, for the second).
"""

from collections import defaultdict
from collections.abc import Callable

_HOOKS: dict[str, list[Callable]] = defaultdict(list)


def register(name: str, fn: Callable) -> Callable:
    """Register ``fn`` under ``name`` (once: registering it again does nothing)."""
    if fn not in _HOOKS[name]:
        _HOOKS[name].append(fn)
    return fn


def unregister(name: str, fn: Callable) -> None:
    if fn in _HOOKS[name]:
        _HOOKS[name].remove(fn)


def get(name: str) -> list[Callable]:
    return list(_HOOKS[name])


def run(name: str, **kwargs) -> list:
    """Call every function registered under ``name``; their results, in order."""
    return [fn(**kwargs) for fn in _HOOKS[name]]
