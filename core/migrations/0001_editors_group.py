from django.db import migrations


class Migration(migrations.Migration):
    """Formerly created the Editors group.

    The group now belongs to the editorial app, which creates it and keeps its
    permissions complete after every ``migrate`` and ``flush`` (``post_migrate``,
    see ``editorial.apps``). This migration is kept, empty, so databases that
    applied it stay consistent; it depends on no other app.
    """

    dependencies = []

    operations = []
