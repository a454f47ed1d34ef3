from django.db import migrations, models


class Migration(migrations.Migration):
    """Take over ``MarkdownLink`` from core: its table and rows stay as they are.

    A fresh database gets the table from core's earlier migrations; this one only
    moves the model into the links app's state (``core.0006`` removes it from
    core's). ``0002`` then gives the table the links app's name.
    """

    initial = True

    dependencies = [
        ("core", "0005_markdown_link"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="MarkdownLink",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("source_type", models.CharField(max_length=20, verbose_name="source type")),
                        ("source_id", models.PositiveBigIntegerField(verbose_name="source id")),
                        ("target_type", models.CharField(max_length=20, verbose_name="target type")),
                        ("target_slug", models.CharField(max_length=200, verbose_name="target slug")),
                    ],
                    options={
                        "verbose_name": "Markdown link",
                        "verbose_name_plural": "Markdown links",
                        "ordering": ["source_type", "source_id", "target_type", "target_slug"],
                        "db_table": "core_markdownlink",
                        "indexes": [models.Index(fields=["target_type", "target_slug", "source_type", "source_id"], name="markdownlink_target_idx")],
                        "constraints": [models.UniqueConstraint(fields=("source_type", "source_id", "target_type", "target_slug"), name="markdownlink_unique_link")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
