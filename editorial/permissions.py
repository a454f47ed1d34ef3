"""The Editors group: may edit all content, may not manage users or groups.

Content is every app that registers a record type (``core.registry``) plus
tags; the group gets every permission on their models, kept complete after
every ``migrate`` and ``flush`` (``EditorialConfig.ready``).
"""

EDITORS_GROUP = "Editors"
# Besides the apps that own record types: tags are content too.
EXTRA_CONTENT_APPS = ("taggit",)


def content_app_labels() -> tuple[str, ...]:
    from core import registry

    return tuple(sorted(registry.app_labels())) + EXTRA_CONTENT_APPS


def content_models():
    """Every record type's model, in a stable order (app, then model name)."""
    from core import registry

    return sorted(registry.record_models(), key=lambda m: (m._meta.app_label, m._meta.model_name))


def sync_editors_group(apps, verbosity=0):
    """Create the Editors group and give it every permission on content apps.

    Takes an app registry so the same code serves ``post_migrate`` (the
    migrations' final state) and a flush (the live models).
    """
    from django.contrib.auth.management import create_permissions

    labels = content_app_labels()
    for app_config in apps.get_app_configs():
        if app_config.label in labels:
            # Historical app configs have no models module; create_permissions needs one.
            original = getattr(app_config, "models_module", None)
            app_config.models_module = original or True
            try:
                create_permissions(app_config, apps=apps, verbosity=verbosity)
            finally:
                app_config.models_module = original

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    perms = Permission.objects.filter(content_type__app_label__in=labels)
    group.permissions.add(*perms)
    return group
