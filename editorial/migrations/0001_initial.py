from django.db import migrations, models


class Migration(migrations.Migration):
    """Take over ``LinkCheckReport`` from core: its table and rows stay as they are.

    A fresh database gets the table from core's earlier migrations; this one only
    moves the model into the editorial app's state (``core.0006`` removes it from
    core's). ``0002`` then gives the table the editorial app's name.
    """

    initial = True

    dependencies = [
        ("core", "0005_markdown_link"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="LinkCheckReport",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="checked at")),
                        ("records_checked", models.PositiveIntegerField(default=0, verbose_name="records checked")),
                        ("links_checked", models.PositiveIntegerField(default=0, verbose_name="links checked")),
                        ("problems", models.JSONField(blank=True, default=list, verbose_name="problems")),
                        ("references", models.JSONField(blank=True, default=dict, verbose_name="guide step references")),
                    ],
                    options={
                        "verbose_name": "link check report",
                        "verbose_name_plural": "link check reports",
                        "ordering": ["-created", "-pk"],
                        "get_latest_by": "created",
                        "db_table": "core_linkcheckreport",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
