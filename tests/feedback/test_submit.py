"""Reader posts: what is stored, and every abuse case the issue names.

Stored: one submission linked to its record and part, then 303 to a thank-you
page that leads back. Refused, with a clear answer and nothing stored: another
site's post (403), too many posts (429), a cache that cannot count (503), a
filled honeypot, a too quick, expired or forged form, over-long or invalid
fields (400 with the reader's text kept), unknown records, kinds and drafts
(404). A same-site post without a CSRF token is stored only after the reader
confirms it on a page that carries one.
"""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from core import registry
from core.models import Status
from feedback import guard
from feedback.models import COMMENT_MAX, PROPOSED_TEXT_MAX, Kind, State, Submission
from tests.feedback.helpers import form_data, form_url, published, started, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return published(registry.get("organization"), summary="Builds models.")


def hidden_value(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no {name} in the page"
    return match.group(1)


# --- stored ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [Kind.USEFUL, Kind.OUTDATED, Kind.SUGGESTION])
def test_a_valid_post_is_stored_linked_to_its_record(client, org, kind):
    response = submit(client, org, kind, email="reader@example.org" if kind != "useful" else None)
    assert response.status_code == 303
    thanks = reverse("feedback:thanks", args=["organization", org.pk, kind])
    assert response["Location"] == thanks
    submission = Submission.objects.get()
    assert submission.record == org
    assert submission.kind == kind and submission.state == State.NEW
    assert submission.client_hash and len(submission.client_hash) == 64
    if kind == Kind.USEFUL:
        assert submission.useful is False
        assert submission.comment == "The salary figure looks old."
    else:
        assert submission.part == "summary"
        assert submission.email == "reader@example.org"
    page = client.get(thanks)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="{org.get_absolute_url()}"' in html  # leads back
    assert "Thank you" in html


def test_a_yes_is_stored_as_useful(client, org):
    submit(client, org, "useful", answer="yes", comment="")
    assert Submission.objects.get().useful is True


def test_a_post_answers_no_store(client, org):
    response = submit(client, org, "outdated", comment="")
    assert response.status_code == 400
    assert "no-store" in response["Cache-Control"]


# --- CSRF ---------------------------------------------------------------------------


def test_without_a_token_the_reader_confirms_and_only_then_it_is_stored(org):
    """No JavaScript: the cached page's form has no token; the post asks to confirm."""
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(org.get_absolute_url()).content.decode()
    section = page[page.index('<section class="feedback"') :]
    data = {
        "started": started(org),
        "leave_empty": "",
        "part": "summary",
        "proposed_text": "Builds & studies <models>.",
    }
    assert "csrfmiddlewaretoken" not in section
    first = reader.post(form_url(org, "suggestion"), data)
    assert first.status_code == 200
    html = first.content.decode()
    assert "One more step" in html
    assert "Builds &amp; studies &lt;models&gt;." in html  # the reader's text, kept and escaped
    assert not Submission.objects.exists()
    token = hidden_value(html, "csrfmiddlewaretoken")
    second = reader.post(
        form_url(org, "suggestion"),
        {**data, "started": hidden_value(html, "started"), "csrfmiddlewaretoken": token},
    )
    assert second.status_code == 303
    assert Submission.objects.get().proposed_text == "Builds & studies <models>."


def test_with_the_fetched_token_it_is_stored_in_one_step(org):
    """With JavaScript: feedback.js fetches the token and adds it to the form."""
    reader = Client(enforce_csrf_checks=True)
    token = reader.get("/feedback/token/").json()["token"]
    response = reader.post(
        form_url(org, "useful"), {**form_data(org, "useful"), "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 303
    assert Submission.objects.count() == 1


def test_a_wrong_token_is_never_stored(org):
    reader = Client(enforce_csrf_checks=True)
    reader.get("/feedback/token/")
    response = reader.post(
        form_url(org, "useful"), {**form_data(org, "useful"), "csrfmiddlewaretoken": "x" * 64}
    )
    assert response.status_code == 200 and b"One more step" in response.content
    assert not Submission.objects.exists()


def test_a_post_from_another_site_is_refused(org):
    reader = Client(enforce_csrf_checks=True)
    token = reader.get("/feedback/token/").json()["token"]
    response = reader.post(
        form_url(org, "outdated"),
        {**form_data(org, "outdated"), "csrfmiddlewaretoken": token},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert b"This form has expired" in response.content  # the site's CSRF page
    assert not Submission.objects.exists()


# --- honeypot and fill time ---------------------------------------------------------


def test_a_filled_honeypot_is_not_stored_and_the_text_comes_back(client, org):
    response = submit(client, org, "outdated", leave_empty="http://spam.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert "a field that people cannot see was filled in" in html
    assert "The summary is out of date." in html
    assert "http://spam.example" not in html  # the honeypot is emptied for the retry
    assert not Submission.objects.exists()


def test_a_form_sent_too_quickly_is_not_stored_until_sent_again(client, org, monkeypatch):
    now = guard._now()
    monkeypatch.setattr(guard, "_now", lambda: now)
    token = started(org, seconds_ago=1)
    response = submit(client, org, "suggestion", started=token)
    assert response.status_code == 400
    assert b"quicker than a person" in response.content
    assert not Submission.objects.exists()
    # The form keeps its start time: sending it again a little later works.
    assert hidden_value(response.content.decode(), "started") == token
    monkeypatch.setattr(guard, "_now", lambda: now + 10)
    assert submit(client, org, "suggestion", started=token).status_code == 303
    assert Submission.objects.count() == 1


@pytest.mark.parametrize(
    "value",
    ["", "garbage", "organization:1|1700000000:forged-signature", "x" * 400],
)
def test_a_missing_or_forged_start_time_is_refused_with_a_fresh_one(client, org, value):
    response = submit(client, org, "outdated", started=value)
    assert response.status_code == 400
    assert b"could not be checked" in response.content
    fresh = hidden_value(response.content.decode(), "started")
    assert guard.started_at(fresh, guard.record_key(registry.get("organization"), org.pk))
    assert not Submission.objects.exists()


def test_a_start_time_for_another_record_is_refused(client, org):
    other = published(registry.get("organization"))
    response = submit(client, org, "outdated", started=started(other))
    assert response.status_code == 400
    assert not Submission.objects.exists()


def test_an_expired_form_is_refused(client, org, settings):
    response = submit(
        client, org, "outdated", started=started(org, settings.FEEDBACK_FORM_MAX_AGE + 5)
    )
    assert response.status_code == 400
    assert b"open for a long time" in response.content
    assert not Submission.objects.exists()


# --- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "field", "value"),
    [
        ("useful", "comment", "x" * (COMMENT_MAX + 1)),
        ("outdated", "comment", "x" * (COMMENT_MAX + 1)),
        ("suggestion", "proposed_text", "x" * (PROPOSED_TEXT_MAX + 1)),
        ("outdated", "source_url", "https://example.org/" + "a" * 500),
        ("suggestion", "email", "a" * 250 + "@example.org"),
        ("useful", "leave_empty", "x" * 201),
    ],
)
def test_every_field_has_a_length_limit(client, org, kind, field, value):
    response = submit(client, org, kind, **{field: value})
    assert response.status_code == 400
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("kind", "overrides"),
    [
        ("outdated", {"part": "no_such_field"}),
        ("outdated", {"part": "status"}),  # bookkeeping is not a part of the page
        ("suggestion", {"proposed_text": ""}),
        ("outdated", {"comment": "   "}),
        ("useful", {"answer": "maybe"}),
        ("useful", {"answer": None}),
        ("outdated", {"source_url": "javascript:alert(1)"}),
        ("suggestion", {"email": "not an address"}),
        ("outdated", {"comment": "nul\x00byte"}),
    ],
)
def test_invalid_fields_are_form_errors(client, org, kind, overrides):
    response = submit(client, org, kind, **overrides)
    assert response.status_code == 400
    assert b"Your message was not sent yet" in response.content
    assert not Submission.objects.exists()


def test_unknown_records_kinds_and_drafts_are_404(client, org):
    draft = published(registry.get("organization"), status=Status.DRAFT)
    scheduled = published(registry.get("organization"), publish_at="2999-01-01T00:00:00Z")
    urls = [
        f"/feedback/no-such-type/{org.pk}/outdated/",
        f"/feedback/organization/{org.pk + 1000}/outdated/",
        f"/feedback/organization/{'9' * 30}/outdated/",
        f"/feedback/organization/{org.pk}/praise/",
        f"/feedback/organization/{org.pk}/outdated/thanks/extra/",
        "/feedback/organization/abc/outdated/",
        form_url(draft, "outdated"),
        form_url(scheduled, "outdated"),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, form_data(org, "outdated")).status_code == 404, url
    assert not Submission.objects.exists()
    thanks = reverse("feedback:thanks", args=["organization", draft.pk, "outdated"])
    assert client.get(thanks).status_code == 404
    assert client.post(thanks).status_code == 405


def test_other_methods_are_refused(client, org):
    for method in ("put", "patch", "delete"):
        response = getattr(client, method)(form_url(org, "outdated"))
        assert response.status_code == 405
    assert not Submission.objects.exists()


def test_the_database_holds_the_length_limits_too(org):
    submission = Submission.objects.create(
        kind=Kind.OUTDATED,
        content_type=ContentType.objects.get_for_model(org),
        object_id=org.pk,
        comment="fine",
    )
    rows = Submission.objects.filter(pk=submission.pk)
    for field, limit in (("comment", COMMENT_MAX), ("proposed_text", PROPOSED_TEXT_MAX)):
        with pytest.raises(IntegrityError), transaction.atomic():
            rows.update(**{field: "x" * (limit + 1)})
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(useful=True)  # only answers to "was this useful?" carry one
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(state="published")


# --- rate limit -------------------------------------------------------------------------


def test_a_flood_of_1000_posts_stores_at_most_the_limit(client, org, settings):
    settings.FEEDBACK_RATE_LIMIT = 20
    statuses = []
    for n in range(1000):
        response = submit(client, org, "outdated", comment=f"Flood message {n}")
        statuses.append(response.status_code)
    assert Submission.objects.count() == 20
    assert statuses[:20] == [303] * 20
    assert set(statuses[20:]) == {429}
    html = response.content.decode()
    assert "Too many messages for now" in html
    retry_after = int(response["Retry-After"])
    assert 0 < retry_after <= settings.FEEDBACK_RATE_WINDOW
    # The wait is what is left of the window (the flood itself takes time on a busy machine).
    assert f"Please try again in about {max(1, round(retry_after / 60))} minutes" in html
    assert "Flood message 999" in html  # the reader's text, to copy
    # Another client is not affected.
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert submit(other, org, "outdated").status_code == 303


def test_every_post_counts_even_a_refused_one(client, org, settings):
    settings.FEEDBACK_RATE_LIMIT = 3
    for _ in range(3):
        assert submit(client, org, "outdated", comment="").status_code == 400
    assert submit(client, org, "outdated").status_code == 429
    assert not Submission.objects.exists()


def test_the_limit_ends_with_its_window(client, org, settings, monkeypatch):
    settings.FEEDBACK_RATE_LIMIT = 2
    settings.FEEDBACK_RATE_WINDOW = 60
    for _ in range(2):
        assert submit(client, org, "useful").status_code == 303
    assert submit(client, org, "useful").status_code == 429
    cache.clear()  # what the cache does when the window's keys expire
    assert submit(client, org, "useful").status_code == 303


def test_the_limit_is_per_client_behind_trusted_proxies(org, settings):
    settings.FEEDBACK_RATE_LIMIT = 1
    settings.TRUSTED_PROXY_COUNT = 1
    first = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.1")
    second = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.2")
    assert submit(first, org, "useful").status_code == 303
    assert submit(first, org, "useful").status_code == 429
    assert submit(second, org, "useful").status_code == 303
    # A client cannot escape by sending its own X-Forwarded-For entries.
    spoofing = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.1")
    assert submit(spoofing, org, "useful").status_code == 429


def test_the_count_is_kept_under_a_keyed_hash_not_the_address(client, org):
    submit(client, org, "useful")
    keys = list(cache._cache.keys())  # LocMemCache, as in the test settings
    assert any(guard.RATE_KEY_PREFIX in key for key in keys)
    assert not any("127.0.0.1" in key for key in keys)
    submission = Submission.objects.get()
    assert "127.0.0.1" not in str(Submission.objects.values().get())
    assert submission.client_hash == guard.client_hash(
        type("R", (), {"META": {"REMOTE_ADDR": "127.0.0.1"}})()
    )


def test_the_hash_is_keyed_by_the_secret_key(settings):
    request = type("R", (), {"META": {"REMOTE_ADDR": "203.0.113.9"}})()
    first = guard.client_hash(request)
    settings.SECRET_KEY = "another-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
    assert guard.client_hash(request) != first
    assert "203.0.113.9" not in first


def test_a_cache_outage_refuses_rather_than_counts_nothing(client, org, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "add", broken)
    response = submit(client, org, "suggestion")
    assert response.status_code == 503
    assert b"Feedback is paused" in response.content
    assert b"A better summary." in response.content
    assert not Submission.objects.exists()
