"""Who else is working on a record: opened its change form or saved it lately.

Opening a change form (and, while it stays open, the admin script's refresh of
the notice) records ``EditorPresence`` for that editor and record. The notice
on the form lists every *other* editor who had it open or saved it in the last
``PRESENCE_MINUTES`` minutes, newest first, with what they did and when — in
the page as served, so it needs no JavaScript. Saves come from revision
history, so they count whichever way the record was written.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from .models import EditorPresence

PRESENCE_MINUTES = 10
REFRESH_SECONDS = 45


@dataclass
class Activity:
    user: str
    action: str  # "saved" or "opened"
    when: datetime.datetime


def touch(user, obj) -> None:
    """Record that ``user`` has ``obj``'s change form open now."""
    if obj is None or obj.pk is None or not user.is_authenticated:
        return
    content_type = ContentType.objects.get_for_model(obj)
    EditorPresence.objects.update_or_create(
        user=user,
        content_type=content_type,
        object_id=str(obj.pk),
        defaults={"seen": timezone.now()},
    )
    cutoff = timezone.now() - datetime.timedelta(hours=1)
    EditorPresence.objects.filter(seen__lt=cutoff).delete()


def others(user, obj, minutes: int = PRESENCE_MINUTES) -> list[Activity]:
    """Other editors who opened or saved ``obj`` in the last ``minutes``, newest first."""
    if obj is None or obj.pk is None:
        return []
    since = timezone.now() - datetime.timedelta(minutes=minutes)
    latest: dict[int, Activity] = {}
    saves = (
        type(obj)
        .history.filter(id=obj.pk, history_date__gte=since, history_user__isnull=False)
        .exclude(history_user=user)
        .select_related("history_user")
        .order_by("-history_date")
    )
    for row in saves[:50]:
        if row.history_user_id not in latest:
            latest[row.history_user_id] = Activity(
                row.history_user.get_username(), "saved", row.history_date
            )
    opened = (
        EditorPresence.objects.filter(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            seen__gte=since,
        )
        .exclude(user=user)
        .select_related("user")
    )
    for row in opened:
        if row.user_id not in latest:
            latest[row.user_id] = Activity(row.user.get_username(), "opened", row.seen)
    return sorted(latest.values(), key=lambda a: a.when, reverse=True)
