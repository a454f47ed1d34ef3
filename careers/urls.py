from django.urls import path

from . import views

app_name = "careers"

urlpatterns = [
    path("roles/", views.RoleListView.as_view(), name="role_list"),
    path("roles/<slug:slug>/", views.RoleDetailView.as_view(), name="role_detail"),
    path("backgrounds/", views.BackgroundListView.as_view(), name="background_list"),
    path(
        "backgrounds/<slug:slug>/",
        views.BackgroundDetailView.as_view(),
        name="background_detail",
    ),
    path("programs/", views.ProgramListView.as_view(), name="program_list"),
    path("programs/<slug:slug>/", views.ProgramDetailView.as_view(), name="program_detail"),
]
