from django.views.generic import DetailView, ListView, TemplateView

from .models import Organization


class OrganizationListView(ListView):
    def get_queryset(self):
        return Organization.objects.visible_to(self.request.user)


class OrganizationDetailView(DetailView):
    def get_queryset(self):
        return Organization.objects.visible_to(self.request.user)
