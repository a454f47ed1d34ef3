from django.urls import path, register_converter

from . import views
from .reversing import TopicSlugConverter

app_name = "core"


register_converter(TopicSlugConverter, "topic_slug")

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("tags/", views.TagListView.as_view(), name="tag_list"),
    path("tags/<topic_slug:slug>/", views.TagDetailView.as_view(), name="tag_detail"),
]
