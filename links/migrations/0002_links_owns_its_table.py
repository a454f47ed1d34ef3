from django.db import migrations


def move_content_type(apps, schema_editor, source="core", target="links"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    if types.filter(app_label=target, model="markdownlink").exists():
        types.filter(app_label=source, model="markdownlink").delete()  # already moved
    else:
        types.filter(app_label=source, model="markdownlink").update(app_label=target)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, source="links", target="core")


class Migration(migrations.Migration):
    """``core_markdownlink`` becomes ``links_markdownlink``; rows, indexes and permissions
    (its content type) move with it."""

    dependencies = [
        ("links", "0001_initial"),
        ("core", "0006_move_derived_tables_out"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelTable(name="markdownlink", table=None),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
