from django.db import migrations


def slug_empty_topics(apps, schema_editor):
    """Topics saved before ``core.models.slug_every_topic`` with an empty slug
    (a name with no letter or digit, "🔥") get the slug it gives now."""
    from core.models import code_point_slug

    Tag = apps.get_model("taggit", "Tag")
    max_length = Tag._meta.get_field("slug").max_length
    for tag in Tag.objects.filter(slug=""):
        tag.slug = code_point_slug(tag.name, max_length)
        tag.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_taggeditem_record_index"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(slug_empty_topics, migrations.RunPython.noop)]
