from django.urls import path

from . import views

app_name = "pathfinder"

urlpatterns = [
    path("find-your-direction/", views.PlanView.as_view(), name="plan"),
    path("find-your-direction/how-it-works/", views.HowItWorksView.as_view(), name="how"),
    path("find-your-direction/plan.ics", views.plan_ics, name="plan_ics"),
    path("find-your-direction/feed.atom", views.plan_feed, name="plan_feed"),
]
