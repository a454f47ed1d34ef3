"""The Editors group: may edit all content, may not manage users or groups."""

EDITORS_GROUP = "Editors"
CONTENT_APP_LABELS = ("organizations", "careers", "guides", "taggit")


def sync_editors_group(apps, verbosity=0):
    """Create the Editors group and give it every permission on content apps.

    Takes an app registry so the same code serves the data migration (historical
    models) and the ``post_migrate`` hook that picks up models added later.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        if app_config.label in CONTENT_APP_LABELS:
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
    perms = Permission.objects.filter(content_type__app_label__in=CONTENT_APP_LABELS)
    group.permissions.add(*perms)
    return group
