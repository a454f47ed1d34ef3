from django.db import migrations

INDEX = "taggeditem_record_tag_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON taggit_taggeditem "
        "(content_type_id, ((object_id)::bigint), tag_id)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    """An index on taggit's tagged items by record, as PostgreSQL joins them.

    Records have bigint keys and taggit's ``object_id`` is an integer, so Django
    joins a record to its tags on ``object_id::bigint``, which taggit's own
    (content type, object, tag) index cannot answer: PostgreSQL read every
    item of a tag again for each record it tried (29 ms for the first twelve
    organizations of a topic at full scale, 0.5 ms with this index). SQLite
    compares without a cast and needs none.
    """

    dependencies = [
        ("core", "0006_move_derived_tables_out"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
