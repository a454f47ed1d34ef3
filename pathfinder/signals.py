"""The decision page is cached like every reader page; edits to its own lists must
show at once, so they bump the page cache's content version as records do."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from core.cache import bump_content_version


def _changed(sender, **kwargs):
    if kwargs.get("action", "post_").startswith("post_"):
        bump_content_version()


def connect():
    from .models import ReaderStage, ReaderStageStep, Timeline

    for model in (ReaderStage, ReaderStageStep, Timeline):
        post_save.connect(_changed, sender=model, dispatch_uid=f"pathfinder-save-{model.__name__}")
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"pathfinder-delete-{model.__name__}"
        )
    m2m_changed.connect(
        _changed, sender=Timeline.positions.through, dispatch_uid="pathfinder-timeline-positions"
    )
