from django.views.generic import DetailView, ListView, TemplateView

from .models import Program, Role


class RoleListView(ListView):
    def get_queryset(self):
        return Role.objects.visible_to(self.request.user)


class RoleDetailView(DetailView):
    def get_queryset(self):
        return Role.objects.visible_to(self.request.user)


class ProgramListView(ListView):
    def get_queryset(self):
        return Program.objects.visible_to(self.request.user)


class ProgramDetailView(DetailView):
    def get_queryset(self):
        return Program.objects.visible_to(self.request.user)
