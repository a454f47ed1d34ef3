from django.views.generic import DetailView, ListView, TemplateView

from .models import FailureMode, Guide, Paper, ResearchAgenda


class AgendaListView(ListView):
    def get_queryset(self):
        return ResearchAgenda.objects.visible_to(self.request.user)


class AgendaDetailView(DetailView):
    def get_queryset(self):
        return ResearchAgenda.objects.visible_to(self.request.user)


class PaperListView(ListView):
    def get_queryset(self):
        return Paper.objects.visible_to(self.request.user)


class PaperDetailView(DetailView):
    def get_queryset(self):
        return Paper.objects.visible_to(self.request.user)


class FailureModeListView(ListView):
    def get_queryset(self):
        return FailureMode.objects.visible_to(self.request.user)


class FailureModeDetailView(DetailView):
    def get_queryset(self):
        return FailureMode.objects.visible_to(self.request.user)


class GuideListView(ListView):
    def get_queryset(self):
        return Guide.objects.visible_to(self.request.user)


class GuideDetailView(DetailView):
    def get_queryset(self):
        return Guide.objects.visible_to(self.request.user)


class AgendaCompareView(TemplateView):
    template_name = "guides/agenda_compare.html"
