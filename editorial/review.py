"""Review dates: which records are due an editor's check.

A record is due a review when it was never reviewed or last reviewed more than
``REVIEW_AFTER_MONTHS`` months ago (setting, default 6). The admin's "Review
due" filter, the review dashboard and the admin index summary use these.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

DEFAULT_REVIEW_AFTER_MONTHS = 6


def review_after_months() -> int:
    try:
        months = int(getattr(settings, "REVIEW_AFTER_MONTHS", DEFAULT_REVIEW_AFTER_MONTHS))
    except (TypeError, ValueError):
        return DEFAULT_REVIEW_AFTER_MONTHS
    return max(months, 0)


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month ``months`` earlier (clamped to the month's end)."""
    year, month = divmod(day.year * 12 + (day.month - 1) - months, 12)
    month += 1
    for candidate in range(day.day, 0, -1):
        try:
            return datetime.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def review_cutoff(months: int | None = None, today: datetime.date | None = None):
    """Records last reviewed before this date are due a review."""
    if months is None:
        months = review_after_months()
    return months_before(today or timezone.localdate(), months)


def review_due(queryset, months: int | None = None):
    """Records never reviewed or last reviewed before the cut-off, oldest first."""
    cutoff = review_cutoff(months)
    return queryset.filter(
        models.Q(last_reviewed__isnull=True) | models.Q(last_reviewed__lt=cutoff)
    ).order_by(models.F("last_reviewed").asc(nulls_first=True), "name")
