"""Editors keep the decision page's lists (reader stages, timelines) like the content."""

from editorial.permissions import EDITORS_GROUP


def grant_editors(sender, apps=None, using="default", **kwargs):
    """After ``migrate``: the Editors group gets every permission on this app's models."""
    from django.apps import apps as global_apps

    apps = apps or global_apps
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:
        return
    group, _ = Group.objects.using(using).get_or_create(name=EDITORS_GROUP)
    perms = Permission.objects.using(using).filter(content_type__app_label="pathfinder")
    group.permissions.add(*perms)
