"""Unsaved input that arrives after the editor's session ended (or its CSRF token rotated).

Every editorial form carries a signed *owner token* (``_editor``: the user and
the page it was made for, ``owner_token``). When a POST to such a page comes
back without a valid session — Django's login redirect would drop it — or with
a CSRF token that no longer matches (the editor logged out and in again in
another tab), ``keep`` stores what was typed and sends the editor back to the
form, through the login page if needed; ``restore`` hands it to the form once
and deletes it.

What is kept, and for whom (the invariants):

* only a POST whose ``Origin`` (or, without one, ``Referer``) is this site, that
  carries a valid owner token for exactly this path, and — when someone is
  logged in — is that user's: a forged cross-site POST (foreign origin, no
  token, someone else's token) is never stored, it gets the usual 403;
* it is stored server-side (``StashedInput``), for that user only, for
  ``STASH_MINUTES``; expired input is deleted whenever input is stored or read;
* it is never saved to a record by itself: ``restore`` only fills the form
  again; the editor presses Save, and that save is version-checked like any.
"""

from __future__ import annotations

import datetime
import secrets
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core import signing
from django.http import HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import StashedInput

OWNER_FIELD = "_editor"
RESTORE_PARAM = "_restore"
SALT = "editorial.form-owner"
STASH_MINUTES = 30
NOT_KEPT = {"csrfmiddlewaretoken", OWNER_FIELD}

RESTORED_MESSAGE = _(
    "Your changes were not saved yet: your login had ended (or you logged in again in "
    "another tab) before you pressed Save. Everything you typed is back in the form — "
    "check it and save again."
)
LOGIN_MESSAGE = _(
    "Your session ended before your changes were saved. Log in again to get back to the "
    "form with everything you typed."
)


def owner_max_age() -> int:
    """How long a form stays recoverable: twice the session's age, at least 12 hours."""
    return max(2 * int(settings.SESSION_COOKIE_AGE), 12 * 60 * 60)


def owner_token(user, path: str) -> str:
    return signing.dumps({"u": user.pk, "p": path}, salt=SALT, compress=True)


def token_owner(token: str, path: str):
    """The user pk a valid owner token for ``path`` names, else ``None``."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=owner_max_age())
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not isinstance(payload, dict) or payload.get("p") != path:
        return None
    user_pk = payload.get("u")
    return user_pk if isinstance(user_pk, int) else None


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def same_origin(request) -> bool:
    """Whether the POST came from a page of this site (``Origin``, else ``Referer``)."""
    ours = {f"{request.scheme}://{request.get_host()}".lower()}
    ours |= {origin.lower() for origin in settings.CSRF_TRUSTED_ORIGINS if "*" not in origin}
    origin = request.META.get("HTTP_ORIGIN")
    if origin is not None:
        return origin.lower() in ours
    referer = request.META.get("HTTP_REFERER")
    return referer is not None and _origin(referer) in ours


def purge_expired() -> None:
    StashedInput.objects.filter(expires__lte=timezone.now()).delete()


def keep(request, site_name: str = "admin"):
    """Store the POST and answer with a redirect back to its form; ``None`` if refused."""
    if request.method != "POST" or not same_origin(request):
        return None
    try:
        post = request.POST
    except Exception:
        return None
    owner_pk = token_owner(post.get(OWNER_FIELD, ""), request.path)
    if owner_pk is None:
        return None
    user = getattr(request, "user", None)
    logged_in = user is not None and user.is_authenticated
    if logged_in and user.pk != owner_pk:
        return None
    from django.contrib.auth import get_user_model

    owner = get_user_model()._default_manager.filter(pk=owner_pk, is_active=True).first()
    if owner is None:
        return None
    purge_expired()
    data = [[key, value] for key, values in post.lists() if key not in NOT_KEPT for value in values]
    token = secrets.token_urlsafe(24)
    StashedInput.objects.create(
        token=token,
        user=owner,
        path=request.path,
        data=data,
        expires=timezone.now() + datetime.timedelta(minutes=STASH_MINUTES),
    )
    back = f"{request.path}?{urlencode({RESTORE_PARAM: token})}"
    if logged_in and request.user.is_staff:
        return HttpResponseRedirect(back)
    messages.info(request, LOGIN_MESSAGE)
    login = reverse(f"{site_name}:login")
    return HttpResponseRedirect(f"{login}?{urlencode({REDIRECT_FIELD_NAME: back})}")


def restore(request) -> QueryDict | None:
    """The kept input for this user and page (deleted as it is handed out), or ``None``."""
    token = request.GET.get(RESTORE_PARAM, "")
    if not token or not request.user.is_authenticated:
        return None
    purge_expired()
    stash = StashedInput.objects.filter(
        token=token, user=request.user, path=request.path, expires__gt=timezone.now()
    ).first()
    if stash is None:
        return None
    stash.delete()
    data = QueryDict(mutable=True)
    for key, value in stash.data:
        data.appendlist(key, value)
    return data


def csrf_failure(request, reason=""):
    """``core.hooks`` ``csrf_failure``: keep an own form's input instead of the 403 page."""
    from django.contrib import admin

    return keep(request, admin.site.name)
