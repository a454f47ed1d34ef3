"""Tables derived from the records (the search index, the Markdown link table).

Apps that keep such a table current from save signals register two things in
their ``AppConfig.ready()``: a rebuild function (hook ``rebuild_derived``,
returning ``(name, count)``) and a check of ``is_deferred()`` in their signal
receivers. Bulk writers — whole-site import, the synthetic data generator —
wrap their work in ``deferred()``: the receivers skip every per-row update and
each table is rebuilt once at the end, which gives the same rows much faster.
``rebuild_all()`` rebuilds every derived table (``manage.py rebuild_search_index``).
"""

from __future__ import annotations

import contextlib
import contextvars

from . import hooks

_deferred: contextvars.ContextVar[bool] = contextvars.ContextVar("derived_deferred", default=False)


def is_deferred() -> bool:
    """Whether per-save updates of derived tables are paused (inside ``deferred()``)."""
    return _deferred.get()


def rebuild_all(batch_size: int = 500) -> dict[str, object]:
    """Rebuild every registered derived table: ``{name: what its rebuild returned}``."""
    return dict(hooks.run("rebuild_derived", batch_size=batch_size))


@contextlib.contextmanager
def deferred(rebuild: bool = True):
    """Pause per-save updates; rebuild everything once on a clean exit (if ``rebuild``).

    Yields a callable the caller may use to rebuild earlier (or conditionally:
    pass ``rebuild=False`` and call it). Nested use is allowed; only the
    outermost block rebuilds.
    """
    outer = not _deferred.get()
    token = _deferred.set(True)
    try:
        yield rebuild_all
    finally:
        _deferred.reset(token)
    if rebuild and outer:
        rebuild_all()
