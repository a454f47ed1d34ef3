"""Signal receivers (connected in ``FeedbackConfig.ready`` with ``dispatch_uid``).

* ``record_deleted`` — a deleted record takes its submissions (and any email
  address in them) along: they are about a page that no longer exists.
* ``grant_editors`` — after every ``migrate`` and ``flush``, the Editors group
  (``editorial.permissions``) may view, change and delete submissions, like
  the content apps; nobody adds them by hand (readers do).
"""

from __future__ import annotations

from core import registry
from editorial.permissions import EDITORS_GROUP


def record_deleted(sender, instance, **kwargs):
    if registry.for_model(sender) is None or instance.pk is None:
        return
    from django.contrib.contenttypes.models import ContentType

    from .models import Submission

    Submission.objects.filter(
        content_type=ContentType.objects.get_for_model(sender), object_id=instance.pk
    ).delete()


def grant_editors(sender, app_config=None, using="default", apps=None, **kwargs):
    """Historical ``apps`` after migrate; the live registry after flush (no ``apps``)."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    apps = apps or global_apps
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
        app = apps.get_app_config("feedback")
    except LookupError:  # auth or this app is migrated to zero
        return
    original = getattr(app, "models_module", None)
    app.models_module = original or True  # historical app configs have none
    try:
        create_permissions(app, apps=apps, verbosity=0, using=using)
    finally:
        app.models_module = original
    group, _created = Group.objects.using(using).get_or_create(name=EDITORS_GROUP)
    perms = Permission.objects.using(using).filter(
        content_type__app_label="feedback",
        codename__in=["view_submission", "change_submission", "delete_submission"],
    )
    group.permissions.add(*perms)
