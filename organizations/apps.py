from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = "Organizations"

    def ready(self):
        from core import hooks, registry

        from .api import api_routes
        from .models import Organization

        registry.register(
            registry.RecordType(
                model=Organization,
                slug="organization",
                listing="organizations",
                detail_url_name="organizations:organization_detail",
                list_url_name="organizations:organization_list",
                order=30,
                blurb="Labs, nonprofits, institutes and funders in the field.",
                link_prefixes=("org",),
                card_related=("type",),
                taxonomies=("organizations.OrganizationType",),
                filterset="organizations.filters.OrganizationFilter",
                api_fields="organizations.api.OrganizationFields",
                api_filterset="organizations.api.OrganizationAPIFilter",
            )
        )
        hooks.register("api_routes", api_routes)
