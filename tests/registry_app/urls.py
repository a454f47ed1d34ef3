"""The site's URLs plus the test record type's (the test settings' ROOT_URLCONF)."""

from django.urls import include, path

from . import views

gadget_patterns = (
    [
        path("gadgets/", views.GadgetListView.as_view(), name="gadget_list"),
        path("gadgets/<slug:slug>/", views.GadgetDetailView.as_view(), name="gadget_detail"),
    ],
    "registry_app",
)

urlpatterns = [
    path("", include(gadget_patterns)),
    path("", include("config.urls")),
]

handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
