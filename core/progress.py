"""Progress lines on a terminal for long management commands (tqdm).

A command's ``handle`` wraps its work in ``reporting(self)``; the loops doing the
work (in the apps' own modules, not only in the command) call
``track(iterable, desc)`` or make a ``bar(total, desc)``. Progress is drawn only
while a command is reporting *and* its standard output is a terminal: in CI
logs, cron mail, pipes and tests nothing extra is written, and ``track`` costs
next to nothing. ``--verbosity 0`` keeps a terminal quiet too.

tqdm draws the line (a small, widely used library: rate, ETA, redraws on one
line) rather than a hand-written ``\\r`` loop.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterable
from typing import IO

from tqdm import tqdm

_stream: contextvars.ContextVar[IO | None] = contextvars.ContextVar("progress_stream", default=None)


def _is_terminal(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or the stream is closed
        return False


@contextlib.contextmanager
def reporting(command, verbosity: int = 1):
    """Draw progress on ``command``'s stdout for the code run inside, if it is a terminal."""
    stream = getattr(command.stdout, "_out", command.stdout)  # past Django's OutputWrapper
    enabled = verbosity >= 1 and _is_terminal(stream)
    token = _stream.set(stream if enabled else None)
    try:
        yield enabled
    finally:
        _stream.reset(token)


def enabled() -> bool:
    return _stream.get() is not None


def bar(total: int | None = None, desc: str = "", unit: str = "it") -> tqdm:
    """A progress bar to ``update()`` by hand (a no-op object when nobody is watching)."""
    stream = _stream.get()
    return tqdm(
        total=total,
        desc=desc,
        unit=unit,
        file=stream,
        disable=stream is None,
        leave=False,
        dynamic_ncols=True,
    )


def track(
    iterable: Iterable,
    desc: str = "",
    total: int | Callable[[], int] | None = None,
    unit: str = "it",
):
    """``iterable``, drawing a progress line while a command reports to a terminal.

    ``total`` may be a callable (e.g. a ``count()`` query): it is called only when
    progress is drawn, so quiet runs make no extra query.
    """
    stream = _stream.get()
    if stream is None:
        return iterable
    if callable(total):
        total = total()
    return tqdm(
        iterable, desc=desc, total=total, unit=unit, file=stream, leave=False, dynamic_ncols=True
    )
