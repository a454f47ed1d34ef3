from django.urls import path, register_converter

from . import views

app_name = "core"


class TopicSlugConverter:
    """A topic's slug as taggit makes it: letters of any script (``sécurité``,
    ``安全``), digits, ``_`` and ``-``. Django's ``slug`` converter is ASCII only,
    so a topic named outside ASCII had no page (and its links raised)."""

    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(TopicSlugConverter, "topic_slug")

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("tags/", views.TagListView.as_view(), name="tag_list"),
    path("tags/<topic_slug:slug>/", views.TagDetailView.as_view(), name="tag_detail"),
]
