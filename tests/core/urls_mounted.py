"""The site's URLs under ``/mounted/`` (tests/core/test_reversing.py)."""

from django.urls import include, path

urlpatterns = [path("mounted/", include("tests.registry_app.urls"))]
