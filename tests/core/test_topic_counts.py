"""core.topics: the stored topic counts give what counting the taggings gives,
whatever editors do to records and their topics."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from core import derived, registry
from core.models import Status, TopicCount
from core.topics import published_topic_counts, rebuild_topic_counts
from tests.factories import OrganizationFactory, PaperFactory, RoleFactory

pytestmark = pytest.mark.django_db


def models():
    return [record_type.model for record_type in registry.record_types()]


def counted(at=None):
    """What the topic list counted before the counts were stored: every tagging
    of every record type against that type's published records."""
    totals = {}
    for model in models():
        rows = (
            TaggedItem.objects.filter(
                content_type=ContentType.objects.get_for_model(model),
                object_id__in=model.objects.published(at).values("pk"),
            )
            .values_list("tag_id")
            .annotate(n=Count("pk"))
        )
        for tag_id, n in rows:
            totals[tag_id] = totals.get(tag_id, 0) + n
    return totals


def by_name(counts):
    names = dict(Tag.objects.values_list("pk", "name"))
    return {names[pk]: n for pk, n in counts.items()}


def stored_matches(expected_by_name, at=None):
    got = published_topic_counts(models(), at)
    assert got == counted(at)
    assert by_name(got) == expected_by_name


def test_counts_follow_tags_added_removed_set_and_cleared():
    role = RoleFactory(tags=["alpha", "beta"])
    OrganizationFactory(tags=["alpha"])
    PaperFactory(status=Status.DRAFT, tags=["alpha", "draft-only"])
    stored_matches({"alpha": 2, "beta": 1})
    role.tags.add("gamma")
    stored_matches({"alpha": 2, "beta": 1, "gamma": 1})
    role.tags.remove("beta")
    stored_matches({"alpha": 2, "gamma": 1})
    role.tags.set(["delta"])
    stored_matches({"alpha": 1, "delta": 1})
    role.tags.clear()
    stored_matches({"alpha": 1})


def test_counts_follow_publishing_unpublishing_and_deleting():
    role = RoleFactory(tags=["alpha"])
    paper = PaperFactory(status=Status.DRAFT, tags=["alpha"])
    stored_matches({"alpha": 1})
    paper.status = Status.PUBLISHED
    paper.save()
    stored_matches({"alpha": 2})
    role.status = Status.DRAFT
    role.save()
    stored_matches({"alpha": 1})
    paper.delete()
    stored_matches({})
    assert not TopicCount.objects.exists()


def test_a_record_scheduled_for_later_is_counted_when_its_time_comes_without_a_save():
    later = timezone.now() + datetime.timedelta(days=2)
    RoleFactory(tags=["alpha"])
    RoleFactory(tags=["alpha", "soon"], publish_at=later)
    stored_matches({"alpha": 1})
    stored_matches({"alpha": 2, "soon": 1}, at=later + datetime.timedelta(minutes=1))


def test_deleting_a_topic_removes_its_counts():
    RoleFactory(tags=["alpha", "beta"])
    Tag.objects.get(name="beta").delete()
    stored_matches({"alpha": 1})
    assert TopicCount.objects.count() == 1


def test_bulk_writes_are_counted_once_at_the_end():
    with derived.deferred():
        RoleFactory(tags=["alpha"])
        OrganizationFactory(tags=["alpha", "beta"])
        # Inside the block the signals are paused: nothing stored yet.
        assert not TopicCount.objects.exists()
    stored_matches({"alpha": 2, "beta": 1})


def test_the_rebuild_and_the_migration_give_the_counts_the_signals_keep():
    role = RoleFactory(tags=["alpha", "beta"])
    OrganizationFactory(tags=["alpha"])
    PaperFactory(status=Status.DRAFT, tags=["alpha"])
    role.tags.remove("beta")
    kept = set(TopicCount.objects.values_list("tag_id", "content_type_id", "records"))
    TopicCount.objects.all().delete()
    assert rebuild_topic_counts() == 2
    assert set(TopicCount.objects.values_list("tag_id", "content_type_id", "records")) == kept
    TopicCount.objects.all().delete()
    migration = importlib.import_module("core.migrations.0009_topic_counts")
    migration.count_topics(apps, None)
    assert set(TopicCount.objects.values_list("tag_id", "content_type_id", "records")) == kept


def test_the_topic_list_shows_the_stored_counts(client):
    RoleFactory(tags=["alpha"])
    RoleFactory(tags=["alpha"], publish_at=timezone.now() + datetime.timedelta(days=1))
    OrganizationFactory(tags=["alpha", "beta"])
    response = client.get(reverse("core:tag_list"))
    assert {tag.name: tag.record_count for tag in response.context["tags"]} == {
        "alpha": 2,
        "beta": 1,
    }
    # Stale stored counts would show: the page reads them, not the taggings.
    TopicCount.objects.filter(tag__name="beta").delete()
    cache.clear()  # the page cache would answer otherwise
    response = client.get(reverse("core:tag_list"))
    assert [tag.name for tag in response.context["tags"]] == ["alpha"]


def test_the_topic_page_gives_each_groups_size_from_the_stored_counts(client, monkeypatch):
    from core.views import TagDetailView

    monkeypatch.setattr(TagDetailView, "group_limit", 2)
    for name in ("Role A", "Role B", "Role C"):
        RoleFactory(name=name, tags=["alpha"])
    RoleFactory(
        name="Role later", tags=["alpha"], publish_at=timezone.now() + datetime.timedelta(days=1)
    )
    RoleFactory(name="Role draft", tags=["alpha"], status=Status.DRAFT)
    response = client.get(reverse("core:tag_detail", args=["alpha"]))
    (group,) = response.context["groups"]
    assert (len(group["records"]), group["total"]) == (2, 3)
    assert "2 of 3 roles" in response.content.decode()
    page = client.get(reverse("core:tag_detail", args=["alpha"]) + "?type=role")
    assert page.context["groups"][0]["total"] == 3
    assert [record.name for record in page.context["groups"][0]["records"]] == [
        "Role A",
        "Role B",
        "Role C",
    ]


def test_an_editors_topics_in_the_admin_reach_the_topic_list(editor_client, client):
    from tests.config.test_hostile_input import admin_form_data
    from tests.organizations.factories import OrganizationTypeFactory

    kind = OrganizationTypeFactory()
    url = reverse("admin:organizations_organization_add")
    data = admin_form_data(editor_client, url)
    data.update(
        {
            "name": "Editor's lab",
            "slug": "editors-lab",
            "type": str(kind.pk),
            "summary": "A lab an editor adds.",
            "description": "What it does.",
            "status": Status.PUBLISHED,
            "operating_status": "active",
            "publish_at_0": timezone.localdate().isoformat(),
            "publish_at_1": "00:00",
            "tags": "alpha, beta",
        }
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    listing = client.get(reverse("core:tag_list"))
    assert {tag.name: tag.record_count for tag in listing.context["tags"]} == {
        "alpha": 1,
        "beta": 1,
    }


def test_deleting_a_topic_does_not_recount_it_once_per_tagging():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_to_delete(name, n):
        for _ in range(n):
            RoleFactory(tags=[name, "kept"])
        with CaptureQueriesContext(connection) as ctx:
            Tag.objects.get(name=name).delete()
        return len(ctx.captured_queries)

    assert queries_to_delete("few", 3) == queries_to_delete("many", 30)
    stored_matches({"kept": 33})
    assert set(TopicCount.objects.values_list("tag__name", flat=True)) == {"kept"}


def test_a_topic_deletion_that_never_finished_is_forgotten_at_the_next_request(client):
    from core import topics

    role = RoleFactory(tags=["alpha", "beta"])
    alpha = Tag.objects.get(name="alpha")
    topics._deleting.set(frozenset({alpha.pk}))  # as if its delete() had failed half-way
    client.get(reverse("core:tag_list"))
    role.tags.remove("alpha")
    stored_matches({"beta": 1})
