from django.views.generic import DetailView, ListView

from core.views import BreadcrumbMixin, RecordPageMixin, SafePaginator, SlugHistoryRedirectMixin
from links.backlinks import BacklinksMixin

from .models import Gadget


class GadgetListView(BreadcrumbMixin, ListView):
    template_name = "registry_app/gadget_list.html"
    paginate_by = 24
    paginator_class = SafePaginator

    def get_queryset(self):
        return Gadget.objects.visible_to(self.request.user)

    def get_breadcrumbs(self):
        return [("Gadgets", self.request.path)]


class GadgetDetailView(
    SlugHistoryRedirectMixin, BacklinksMixin, RecordPageMixin, BreadcrumbMixin, DetailView
):
    template_name = "registry_app/gadget_detail.html"

    def get_queryset(self):
        return Gadget.objects.visible_to(self.request.user).prefetch_related("parts", "tags")

    def get_breadcrumbs(self):
        return [("Gadgets", "/gadgets/"), (self.object.name, self.object.get_absolute_url())]
