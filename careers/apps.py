from django.apps import AppConfig


class CareersConfig(AppConfig):
    name = "careers"
    verbose_name = "Careers"

    def ready(self):
        from core import hooks, registry

        from . import dashboard
        from .models import Background, Program, Role

        registry.register(
            registry.RecordType(
                model=Program,
                slug="program",
                listing="programs",
                detail_url_name="careers:program_detail",
                list_url_name="careers:program_list",
                order=50,
                backlinks_order=25,
                blurb="Fellowships, courses and residencies that lead into the work.",
                taxonomies=("careers.CareerStage",),
                filterset="careers.filters.ProgramFilter",
                api_fields="careers.api.ProgramFields",
                api_filterset="careers.api.ProgramAPIFilter",
            )
        )
        registry.register(
            registry.RecordType(
                model=Role,
                slug="role",
                listing="roles",
                detail_url_name="careers:role_detail",
                list_url_name="careers:role_list",
                order=10,
                blurb="What the jobs are, what they pay and how people get them.",
                home_action="Explore roles",
                card_related=("category",),
                taxonomies=("careers.RoleCategory",),
                filterset="careers.filters.RoleFilter",
                api_fields="careers.api.RoleFields",
                api_filterset="careers.api.RoleAPIFilter",
            )
        )
        registry.register(
            registry.RecordType(
                model=Background,
                slug="background",
                listing="backgrounds",
                detail_url_name="careers:background_detail",
                list_url_name="careers:background_list",
                order=15,
                blurb=(
                    "Where your skills fit: the backgrounds the work draws on and what each brings."
                ),
                api_fields="careers.api.BackgroundFields",
                api_filterset="careers.api.BackgroundAPIFilter",
            )
        )
        hooks.register("review_dashboard_sections", dashboard.review_section)
