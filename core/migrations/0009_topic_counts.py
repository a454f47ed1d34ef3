import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count


def count_topics(apps, schema_editor):
    """Fill the counts for the taggings already there. The rule is copied here
    (``core.topics.rebuild_topic_counts`` today), as a migration keeps the code
    of its day: per record type with tags and a status, the taggings of its
    records marked published, per tag."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    TaggedItem = apps.get_model("taggit", "TaggedItem")
    TopicCount = apps.get_model("core", "TopicCount")
    rows = []
    for model in apps.get_models():
        names = {field.name for field in model._meta.get_fields()}
        if not {"tags", "status"} <= names:
            continue
        content_type = ContentType.objects.filter(
            app_label=model._meta.app_label, model=model._meta.model_name
        ).first()
        if content_type is None:  # a new database: no taggings yet
            continue
        counted = (
            TaggedItem.objects.filter(
                content_type=content_type,
                object_id__in=model._base_manager.filter(status="published").values("pk"),
            )
            .order_by()
            .values_list("tag_id")
            .annotate(n=Count("id"))
        )
        rows += [
            TopicCount(tag_id=tag_id, content_type=content_type, records=n) for tag_id, n in counted
        ]
    TopicCount.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0008_topic_slugs"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.CreateModel(
            name="TopicCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("records", models.PositiveIntegerField(verbose_name="records")),
                (
                    "content_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="contenttypes.contenttype",
                        verbose_name="record type",
                    ),
                ),
                (
                    "tag",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="topic_counts",
                        to="taggit.tag",
                        verbose_name="tag",
                    ),
                ),
            ],
            options={
                "verbose_name": "topic count",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("tag", "content_type"), name="topiccount_tag_type"
                    )
                ],
            },
        ),
        migrations.RunPython(count_topics, migrations.RunPython.noop),
    ]
