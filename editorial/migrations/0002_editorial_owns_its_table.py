from django.db import migrations


def move_content_type(apps, schema_editor, source="core", target="editorial"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    if types.filter(app_label=target, model="linkcheckreport").exists():
        types.filter(app_label=source, model="linkcheckreport").delete()  # already moved
    else:
        types.filter(app_label=source, model="linkcheckreport").update(app_label=target)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, source="editorial", target="core")


class Migration(migrations.Migration):
    """``core_linkcheckreport`` becomes ``editorial_linkcheckreport``; rows, indexes and permissions
    (its content type) move with it."""

    dependencies = [
        ("editorial", "0001_initial"),
        ("core", "0006_move_derived_tables_out"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelTable(name="linkcheckreport", table=None),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
