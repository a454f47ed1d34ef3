from django.db import migrations

from core.permissions import EDITORS_GROUP, sync_editors_group


def create_editors_group(apps, schema_editor):
    sync_editors_group(apps)


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("organizations", "0001_initial"),
        ("careers", "0002_initial"),
        ("guides", "0002_initial"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
