from django.db import migrations


def slug_empty_topics(apps, schema_editor):
    """Topics saved before ``core.models.slug_every_topic`` with an empty slug
    (a name with no letter or digit, "🔥") get the slug it gives now. The rule
    is copied here, as a migration keeps the code of its day."""
    Tag = apps.get_model("taggit", "Tag")
    max_length = Tag._meta.get_field("slug").max_length
    for tag in Tag.objects.filter(slug=""):
        codes = "-".join(f"{ord(char):x}" for char in tag.name.strip())
        tag.slug = f"topic-{codes}"[:max_length]
        tag.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_taggeditem_record_index"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(slug_empty_topics, migrations.RunPython.noop)]
