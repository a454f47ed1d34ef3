from django.urls import path

from . import views

app_name = "guides"

urlpatterns = [
    path("agendas/", views.AgendaListView.as_view(), name="agenda_list"),
    path("agendas/compare/", views.AgendaCompareView.as_view(), name="agenda_compare"),
    path("agendas/<slug:slug>/", views.AgendaDetailView.as_view(), name="agenda_detail"),
    path("papers/", views.PaperListView.as_view(), name="paper_list"),
    path("papers/<slug:slug>/", views.PaperDetailView.as_view(), name="paper_detail"),
    path("failure-modes/", views.FailureModeListView.as_view(), name="failuremode_list"),
    path(
        "failure-modes/<slug:slug>/",
        views.FailureModeDetailView.as_view(),
        name="failuremode_detail",
    ),
    path("cruxes/", views.CruxListView.as_view(), name="crux_list"),
    path("cruxes/<slug:slug>/", views.CruxDetailView.as_view(), name="crux_detail"),
    path("guides/", views.GuideListView.as_view(), name="guide_list"),
    path("guides/<slug:slug>/", views.GuideDetailView.as_view(), name="guide_detail"),
]
