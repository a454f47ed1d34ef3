import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import Status
from guides.models import Guide
from organizations.models import Organization
from tests.factories import (
    GuideFactory,
    GuideStepFactory,
    OrganizationFactory,
    PaperFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db


def test_salary_min_above_max_is_rejected_by_the_database():
    role = RoleFactory(salary_min=100, salary_max=200)
    role.salary_min = 300
    with pytest.raises(IntegrityError), transaction.atomic():
        role.save()


def test_salary_min_above_max_is_a_validation_error():
    role = RoleFactory.build(salary_min=300, salary_max=200)
    with pytest.raises(ValidationError):
        role.full_clean(exclude=["category"])


def test_founded_year_out_of_range_is_rejected_by_the_database():
    org = OrganizationFactory()
    org.founded_year = 1200
    with pytest.raises(IntegrityError), transaction.atomic():
        org.save()


def test_paper_year_out_of_range_is_rejected_by_the_database():
    paper = PaperFactory()
    paper.year = 3000
    with pytest.raises(IntegrityError), transaction.atomic():
        paper.save()


def test_duplicate_slug_is_rejected():
    OrganizationFactory(slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganizationFactory(slug="same")


def test_published_excludes_drafts_review_and_future():
    now = timezone.now()
    live = OrganizationFactory()
    OrganizationFactory(status=Status.DRAFT)
    OrganizationFactory(status=Status.REVIEW)
    OrganizationFactory(publish_at=now + timezone.timedelta(hours=1))
    assert list(Organization.objects.published()) == [live]


def test_guide_total_minutes_sums_its_steps():
    guide = GuideFactory()
    GuideStepFactory(guide=guide, minutes=15)
    GuideStepFactory(guide=guide, minutes=45)
    assert guide.total_minutes == 60
    prefetched = Guide.objects.prefetch_related("steps").get(pk=guide.pk)
    assert prefetched.total_minutes == 60


def test_every_content_model_has_str_and_absolute_url():
    for record in (OrganizationFactory(), RoleFactory(), PaperFactory(), GuideFactory()):
        assert str(record) == record.name
        assert record.get_absolute_url().endswith(f"/{record.slug}/")


# serialized_rollback: the flush at the end then leaves the database empty
# instead of re-running post_migrate (which makes a new Editors group), so a
# later test that restores the serialized database (test_migrations) finds no
# duplicate, whichever of the two runs first.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_editors_group_survives_a_flush():
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    group = Group.objects.get(name="Editors")
    labels = set(group.permissions.values_list("content_type__app_label", flat=True))
    assert {"organizations", "careers", "guides"} <= labels
    assert "auth" not in labels


def test_choice_labels_are_djangos_for_every_value_of_every_field_with_choices():
    """``get_<field>_display()`` comes from a mapping built once per field
    (``core.models.ChoiceLabelsModel``): for every choice of every field of
    every model that uses it — and for a value that is not a choice — it says
    what Django's own implementation says."""
    from django.apps import apps
    from django.db import models
    from django.utils import translation

    from core.models import ChoiceLabelsModel

    checked = 0
    for model in apps.get_models():
        if not issubclass(model, ChoiceLabelsModel):
            continue
        for field in model._meta.concrete_fields:
            if not field.choices:
                continue
            for value in [value for value, _label in field.flatchoices] + ["not-a-choice"]:
                record = model(**{field.attname: value})
                ours = getattr(record, f"get_{field.name}_display")()
                assert ours == models.Model._get_FIELD_display(record, field), (model, field)
                checked += 1
            with translation.override("fr"):  # labels are still translated when shown
                record = model(**{field.attname: field.flatchoices[0][0]})
                ours = getattr(record, f"get_{field.name}_display")()
                assert ours == models.Model._get_FIELD_display(record, field)
    assert checked > 30
