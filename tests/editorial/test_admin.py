"""Every admin page loads for a superuser and for an Editors user; editors cannot
manage users or groups; anonymous visitors never reach the admin."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from editorial.permissions import content_app_labels
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.org", "pw-123456789")
    client.force_login(user)
    return client


@pytest.fixture
def site_records():
    """One of every record and child row, so every change page has something to show."""
    role = factories.RoleFactory()
    factories.RoleDutyFactory(role=role)
    factories.QualificationFactory(role=role)
    factories.RoleFAQFactory(role=role)
    agenda = factories.ResearchAgendaFactory()
    factories.AgendaApproachFactory(agenda=agenda)
    factories.PaperFactory()
    factories.FailureModeFactory()
    factories.ProgramFactory()
    step = factories.GuideStepFactory()
    step.agendas.add(agenda)
    role.tags.add("interpretability")
    from editorial.linkcheck import run_link_check

    run_link_check()


def admin_urls(include_objects=True):
    """(model, kind, url) for every registered model's changelist, add and change page."""
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        base = f"admin:{opts.app_label}_{opts.model_name}"
        yield model, "changelist", reverse(f"{base}_changelist")
        yield model, "add", reverse(f"{base}_add")
        instance = model._default_manager.first()
        if include_objects and instance is not None:
            yield model, "change", reverse(f"{base}_change", args=[instance.pk])
            if hasattr(model_admin, "history_view"):
                yield model, "history", reverse(f"{base}_history", args=[instance.pk])


def is_content(model):
    return model._meta.app_label in content_app_labels()


def test_every_admin_page_loads_for_a_superuser(superuser_client, site_records, rf):
    request = rf.get("/")
    request.user = superuser_client.get(reverse("admin:index")).wsgi_request.user
    failures = []
    for model, kind, url in admin_urls():
        response = superuser_client.get(url)
        # Link-check reports are written by check_links only: no add page.
        can_add = admin.site._registry[model].has_add_permission(request)
        expected = 200 if kind != "add" or can_add else 403
        if response.status_code != expected:
            failures.append((url, response.status_code))
    assert not failures


def test_every_content_admin_page_loads_for_an_editor(editor_client, site_records):
    failures = []
    checked = 0
    for model, _kind, url in admin_urls():
        if not is_content(model):
            continue
        checked += 1
        response = editor_client.get(url)
        if response.status_code != 200:
            failures.append((url, response.status_code))
    assert checked > 30
    assert not failures


def test_editorial_pages_load_for_superuser_and_editor(
    superuser_client, editor_client, site_records
):
    for client in (superuser_client, editor_client):
        for name in ("admin:index", "admin:editorial_review", "admin:editorial_links"):
            response = client.get(reverse(name))
            assert response.status_code == 200, name
        assert b"Editorial" in client.get(reverse("admin:index")).content


@pytest.mark.parametrize("name", ["auth_user", "auth_group"])
@pytest.mark.parametrize("view", ["changelist", "add"])
def test_editors_cannot_manage_users_or_groups(editor_client, editor, name, view):
    response = editor_client.get(reverse(f"admin:{name}_{view}"))
    assert response.status_code == 403


def test_editors_cannot_change_a_user_or_group(editor_client, editor):
    group = Group.objects.get(name="Editors")
    assert editor_client.get(reverse("admin:auth_user_change", args=[editor.pk])).status_code == 403
    assert editor_client.get(reverse("admin:auth_group_change", args=[group.pk])).status_code == 403
    response = editor_client.post(
        reverse("admin:auth_user_change", args=[editor.pk]),
        {"username": "editor", "is_superuser": "on", "is_staff": "on"},
    )
    assert response.status_code == 403
    editor.refresh_from_db()
    assert not editor.is_superuser


def test_the_admin_index_lists_no_user_management_for_editors(editor_client):
    html = editor_client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:auth_user_changelist") not in html
    assert reverse("admin:organizations_organization_changelist") in html


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    org = factories.OrganizationFactory(status="draft")
    urls = [
        reverse("admin:index"),
        reverse("admin:editorial_review"),
        reverse("admin:editorial_links"),
        reverse("admin:organizations_organization_history", args=[org.pk]),
        reverse("admin:organizations_organization_history_compare", args=[org.pk]),
        reverse("admin:organizations_organization_change", args=[org.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url
    response = client.post(reverse("admin:editorial_markdown_preview"), {"text": "hi"})
    assert response.status_code in {302, 403}


def test_staff_without_content_permissions_cannot_see_editorial_pages(client, django_user_model):
    user = django_user_model.objects.create_user("staff", "s@example.org", "pw-123456789")
    user.is_staff = True
    user.save()
    client.force_login(user)
    assert client.get(reverse("admin:editorial_review")).status_code == 403
    assert client.get(reverse("admin:editorial_links")).status_code == 403
    assert (
        client.post(reverse("admin:editorial_markdown_preview"), {"text": "x"}).status_code == 403
    )
