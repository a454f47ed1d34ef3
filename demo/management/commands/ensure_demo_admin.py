"""Create or update the demo logins: a superuser and an editor.

The superuser comes from ``ADMIN_USERNAME`` / ``ADMIN_PASSWORD`` (and optional
``ADMIN_EMAIL``); the editor — staff, in the Editors group, not a superuser —
from ``EDITOR_USERNAME`` / ``EDITOR_PASSWORD``. The well-known defaults
("admin"/"admin", "editor"/"editor") are allowed only with ``DEBUG`` on. With
``DEBUG`` off the command refuses to run without ``ADMIN_PASSWORD``, checks the
given passwords against the password validators, skips the editor unless
``EDITOR_PASSWORD`` is set, and never prints a password taken from the
environment.
"""

import os

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from editorial.permissions import EDITORS_GROUP, sync_editors_group

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = (
        "Create or update the demo superuser (ADMIN_USERNAME/ADMIN_PASSWORD) and a demo editor "
        "(EDITOR_USERNAME/EDITOR_PASSWORD); defaults are allowed only when DEBUG is on."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default=None,
            help=f"Site address for the login URL shown (default: SITE_URL or {DEFAULT_BASE_URL}).",
        )
        parser.add_argument("--no-editor", action="store_true", help="Skip the demo editor.")

    def handle(self, *args, **options):
        admin_name, admin_password, admin_from_env = self._credentials("ADMIN", "admin")
        if admin_password is None:
            raise CommandError(
                "Set ADMIN_PASSWORD: the default demo password is only allowed when DEBUG is on."
            )
        admin = self._upsert(admin_name, admin_password, superuser=True)

        editor = editor_password = None
        editor_from_env = False
        if not options["no_editor"]:
            editor_name, editor_password, editor_from_env = self._credentials("EDITOR", "editor")
            if editor_name == admin_name:
                raise CommandError("EDITOR_USERNAME must differ from ADMIN_USERNAME.")
            if editor_password is None:
                self.stdout.write(
                    self.style.WARNING("Demo editor skipped: set EDITOR_PASSWORD to create it.")
                )
            else:
                editor = self._upsert(editor_name, editor_password, superuser=False)
                editor.groups.add(self._editors_group())

        base_url = (options["base_url"] or settings.SITE_URL or DEFAULT_BASE_URL).rstrip("/")
        self.stdout.write(self.style.SUCCESS(f"Log in at {base_url}{reverse('admin:index')}"))
        self._print_login("Superuser", admin, admin_password, admin_from_env, "ADMIN_PASSWORD")
        if editor is not None:
            self._print_login("Editor", editor, editor_password, editor_from_env, "EDITOR_PASSWORD")

    def _credentials(self, prefix, default):
        """``(username, password, password_came_from_env)``; password None if refused."""
        username = os.environ.get(f"{prefix}_USERNAME", "").strip() or default
        password = os.environ.get(f"{prefix}_PASSWORD", "")
        if password:
            if not settings.DEBUG:
                self._validate(prefix, username, password)
            return username, password, True
        return username, (default if settings.DEBUG else None), False

    def _validate(self, prefix, username, password):
        User = get_user_model()
        try:
            password_validation.validate_password(password, User(**{User.USERNAME_FIELD: username}))
        except ValidationError as exc:
            raise CommandError(f"{prefix}_PASSWORD is too weak: {' '.join(exc.messages)}") from exc

    def _upsert(self, username, password, *, superuser):
        User = get_user_model()
        user, created = User._default_manager.get_or_create(**{User.USERNAME_FIELD: username})
        user.is_active = True
        user.is_staff = True
        user.is_superuser = superuser
        if superuser and os.environ.get("ADMIN_EMAIL"):
            user.email = os.environ["ADMIN_EMAIL"]
        user.set_password(password)
        user.save()
        verb = "Created" if created else "Updated"
        kind = "superuser" if superuser else "editor"
        self.stdout.write(f"{verb} {kind} “{username}”.")
        return user

    def _editors_group(self):
        group = Group.objects.filter(name=EDITORS_GROUP).first()
        return group or sync_editors_group(apps)

    def _print_login(self, label, user, password, from_env, env_name):
        shown = f"(the value of {env_name})" if from_env else password
        self.stdout.write(f"  {label}: username “{user.get_username()}”, password {shown}")
