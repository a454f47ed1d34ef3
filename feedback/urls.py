"""``/feedback/…``: the reader forms' pages and endpoints (see ``feedback.views``)."""

from django.urls import path, register_converter

from . import views
from .models import Kind


class KindConverter:
    """Only the three kinds of form: anything else does not match (a 404)."""

    regex = "|".join(Kind.values)

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


register_converter(KindConverter, "feedback_kind")

app_name = "feedback"

urlpatterns = [
    path("token/", views.csrf_token, name="token"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path(
        "<slug:type>/<int:pk>/<feedback_kind:kind>/",
        views.FeedbackFormView.as_view(),
        name="form",
    ),
    path(
        "<slug:type>/<int:pk>/<feedback_kind:kind>/thanks/",
        views.ThanksView.as_view(),
        name="thanks",
    ),
]
