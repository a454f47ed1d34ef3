from django.db import migrations

# PostgreSQL-only indexes created by core.0002, renamed with their table.
INDEXES = {
    "core_searchentry_vector_gin": "search_searchentry_vector_gin",
    "core_searchentry_title_trgm": "search_searchentry_title_trgm",
}
OLD_FUNCTION = "core_searchentry_sync_publication"
FUNCTION = "search_searchentry_sync_publication"


def move_content_type(apps, schema_editor, source="core", target="search"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    if types.filter(app_label=target, model="searchentry").exists():
        types.filter(app_label=source, model="searchentry").delete()  # already moved
    else:
        types.filter(app_label=source, model="searchentry").update(app_label=target)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, source="search", target="core")


def rename_indexes(apps, schema_editor, names=None):
    """Drop the publication triggers (search.triggers recreates them for the new table
    name after the migration) and rename the PostgreSQL-only indexes."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for function in (OLD_FUNCTION, FUNCTION):
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}() CASCADE")
    for old, new in (names or INDEXES).items():
        schema_editor.execute(f"ALTER INDEX IF EXISTS {old} RENAME TO {new}")


def rename_indexes_back(apps, schema_editor):
    rename_indexes(apps, schema_editor, {new: old for old, new in INDEXES.items()})


class Migration(migrations.Migration):
    """``core_searchentry`` becomes ``search_searchentry``; rows, indexes and
    permissions (its content type) move with it."""

    dependencies = [
        ("search", "0001_initial"),
        ("core", "0006_move_derived_tables_out"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(rename_indexes, rename_indexes_back),
        migrations.AlterModelTable(name="searchentry", table=None),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
