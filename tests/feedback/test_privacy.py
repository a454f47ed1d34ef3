"""Privacy: nothing a reader sends is public, and nothing is kept longer than it should be."""

import io
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from core import registry
from feedback.models import Submission
from tests.feedback.helpers import published, submit

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
MARKER = "zqxmarker"


def test_nothing_a_reader_sends_appears_on_any_public_page(client, settings):
    settings.PAGE_CACHE_ENABLED = True
    settings.FEEDBACK_RATE_LIMIT = 100
    records = [published(rt, summary="Plain summary.") for rt in registry.record_types()]
    reader = Client()
    for record in records:
        for kind, field in (
            ("useful", "comment"),
            ("outdated", "comment"),
            ("suggestion", "proposed_text"),
        ):
            response = submit(
                reader,
                record,
                kind,
                email=f"{MARKER}@example.org" if kind != "useful" else None,
                **{field: f"{MARKER} <b>{kind}</b> https://{MARKER}.example"},
            )
            assert response.status_code == 303, response.content[:300]
            thanks = reader.get(response["Location"])
            assert MARKER not in thanks.content.decode()
    assert Submission.objects.count() == 3 * len(records)

    # The search page repeats the query it was asked; what matters is that it finds nothing.
    search = Client().get("/search/", {"q": MARKER})
    assert search.status_code == 200 and not list(search.context["hits"])
    urls = ["/", "/tags/", "/sitemap.xml", "/feed.atom", "/feedback/privacy/"]
    for record_type in registry.record_types():
        listing = f"/{record_type.listing}/"
        urls += [listing, f"{listing}feed.atom", f"{listing}export.csv", f"{listing}export.json"]
        urls += [f"/api/v1/{record_type.listing}/"]
    for record in records:
        urls += [record.get_absolute_url()]
    anonymous = Client()
    for url in urls:
        response = anonymous.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert MARKER.encode() not in body, url
    from opendata import transfer

    assert MARKER not in str(transfer.export_content())


def test_purge_deletes_what_is_older_than_the_setting(settings):
    settings.FEEDBACK_RETENTION_DAYS = 30
    record = published(registry.get("organization"))
    now = timezone.now()
    from django.contrib.contenttypes.models import ContentType

    def make(days_ago):
        submission = Submission.objects.create(
            kind="outdated",
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            comment="x",
            email="keep-or-go@example.org",
        )
        Submission.objects.filter(pk=submission.pk).update(created=now - timedelta(days=days_ago))
        return submission

    old, recent = make(31), make(29)
    out = io.StringIO()
    call_command("purge_feedback", "--dry-run", stdout=out)
    assert "1 submission(s) older than 30 days would be deleted" in out.getvalue()
    assert Submission.objects.count() == 2
    call_command("purge_feedback", stdout=io.StringIO())
    assert list(Submission.objects.all()) == [recent]
    assert not Submission.objects.filter(pk=old.pk).exists()
    call_command("purge_feedback", "--days", "28", stdout=io.StringIO())
    assert not Submission.objects.exists()
    with pytest.raises(CommandError):
        call_command("purge_feedback", "--days", "0")


def run_settings(env: dict) -> subprocess.CompletedProcess:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.FEEDBACK_RETENTION_DAYS, settings.FEEDBACK_RATE_LIMIT, "
        "settings.FEEDBACK_RATE_WINDOW, settings.FEEDBACK_MIN_FILL_SECONDS)"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FEEDBACK_")}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_feedback_settings_come_from_the_environment():
    default = run_settings({})
    assert default.returncode == 0, default.stderr
    assert default.stdout.split() == ["180", "20", "3600", "3"]
    custom = run_settings(
        {
            "FEEDBACK_RETENTION_DAYS": "14",
            "FEEDBACK_RATE_LIMIT": "5",
            "FEEDBACK_RATE_WINDOW": "600",
            "FEEDBACK_MIN_FILL_SECONDS": "2",
        }
    )
    assert custom.returncode == 0, custom.stderr
    assert custom.stdout.split() == ["14", "5", "600", "2"]
    for bad in ("0", "-3", "soon"):
        refused = run_settings({"FEEDBACK_RETENTION_DAYS": bad})
        assert refused.returncode != 0
        assert "FEEDBACK_RETENTION_DAYS must be a whole number" in refused.stderr


def test_the_privacy_notice_says_how_long(client, settings):
    settings.FEEDBACK_RETENTION_DAYS = 45
    html = client.get("/feedback/privacy/").content.decode()
    assert "deleted 45 days after you sent it" in html
    assert (ROOT / "docs" / "privacy.md").is_file()
