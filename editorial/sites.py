"""The editors' admin site: Django's admin with the editorial pages added.

``EditorialAdminConfig`` (in ``INSTALLED_APPS`` instead of
``django.contrib.admin``) makes this the default site, so every app's
``admin.py`` registers on it with ``@admin.register`` as usual. The site adds
the review dashboard, the link-check report, the Markdown preview and the
presence notice (``editorial.views``) in front of the admin's own URLs, wrapped
by ``admin_view`` (login and staff checks).

``admin_view`` also keeps a form sent after the editor's session ended: Django
would answer with the login page and drop the input; ``editorial.stash`` keeps
it (for the owner of the form only) and the login leads back to the form.
"""

from functools import update_wrapper

from django.conf import settings
from django.contrib import admin
from django.urls import path

from . import stash, views


class EditorialAdminSite(admin.AdminSite):
    index_title = "Content"
    # Django's index with the "Editorial" box (reviews due, link problems, records in review).
    index_template = "admin/editorial/index.html"

    @property
    def site_header(self):
        return f"{settings.SITE_NAME} — editors"

    @property
    def site_title(self):
        return settings.SITE_NAME

    def editorial_view(self, view):
        """``view(request, site, …)`` as an admin page of this site."""

        def wrapped(request, *args, **kwargs):
            return view(request, self, *args, **kwargs)

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return self.admin_view(wrapped)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def keep_input(request, *args, **kwargs):
            if request.method == "POST" and not self.has_permission(request):
                kept = stash.keep(request, self.name)
                if kept is not None:
                    return kept
            return inner(request, *args, **kwargs)

        return update_wrapper(keep_input, inner)

    def get_urls(self):
        return [
            path(
                "editorial/review/",
                self.editorial_view(views.review_dashboard),
                name="editorial_review",
            ),
            path(
                "editorial/links/",
                self.editorial_view(views.link_check_view),
                name="editorial_links",
            ),
            path(
                "editorial/markdown-preview/",
                self.editorial_view(views.markdown_preview),
                name="editorial_markdown_preview",
            ),
            path(
                "editorial/presence/<int:content_type_id>/<str:object_id>/",
                self.editorial_view(views.presence_view),
                name="editorial_presence",
            ),
            *super().get_urls(),
        ]
