import django.contrib.postgres.search
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    """Take over ``SearchEntry`` from core: its table and rows stay as they are.

    A fresh database gets the table from core's earlier migrations; this one only
    moves the model into the search app's state (``core.0006`` removes it from
    core's). ``0002`` then gives the table the search app's name.
    """

    initial = True

    dependencies = [
        ("core", "0005_markdown_link"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SearchEntry",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("record_type", models.CharField(max_length=20, verbose_name="record type")),
                        ("object_id", models.PositiveBigIntegerField(verbose_name="record id")),
                        ("title", models.CharField(max_length=300, verbose_name="title")),
                        ("summary", models.TextField(blank=True, verbose_name="summary")),
                        ("body", models.TextField(blank=True, verbose_name="body")),
                        ("url", models.CharField(max_length=500, verbose_name="URL")),
                        ("status", models.CharField(choices=[("draft", "Draft"), ("review", "In review"), ("published", "Published")], default="draft", max_length=10, verbose_name="status")),
                        ("publish_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="publish at")),
                        ("search_vector", django.contrib.postgres.search.SearchVectorField(editable=False, null=True)),
                        ("updated", models.DateTimeField(auto_now=True, verbose_name="updated")),
                    ],
                    options={
                        "verbose_name": "search index entry",
                        "verbose_name_plural": "search index entries",
                        "db_table": "core_searchentry",
                        "constraints": [models.UniqueConstraint(fields=("record_type", "object_id"), name="searchentry_unique_record")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
