from django.urls import path

from . import views

app_name = "careers"

urlpatterns = [
    path("roles/", views.RoleListView.as_view(), name="role_list"),
    path("roles/<slug:slug>/", views.RoleDetailView.as_view(), name="role_detail"),
    path("programs/", views.ProgramListView.as_view(), name="program_list"),
    path("programs/<slug:slug>/", views.ProgramDetailView.as_view(), name="program_detail"),
]
