from django.db import migrations


class Migration(migrations.Migration):
    """The search index, the Markdown link table and link-check reports leave core.

    They now belong to the search, links and editorial apps (``search.0001``,
    ``links.0001``, ``editorial.0001`` take them over with their tables and rows,
    then rename the tables). Nothing changes in the database here.
    """

    dependencies = [
        ("core", "0005_markdown_link"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="SearchEntry"),
                migrations.DeleteModel(name="MarkdownLink"),
                migrations.DeleteModel(name="LinkCheckReport"),
            ],
            database_operations=[],
        ),
    ]
