from django.apps import AppConfig


class GuidesConfig(AppConfig):
    name = "guides"
    verbose_name = "Research and reading"

    def ready(self):
        from core import registry

        from .models import Crux, FailureMode, Guide, Paper, ResearchAgenda

        registry.register(
            registry.RecordType(
                model=ResearchAgenda,
                slug="agenda",
                listing="agendas",
                detail_url_name="guides:agenda_detail",
                list_url_name="guides:agenda_list",
                order=20,
                blurb="The research directions, the bets they make and who works on them.",
                taxonomies=("guides.AlignmentProblem",),
                api_fields="guides.api.AgendaFields",
                api_filterset="guides.api.AgendaAPIFilter",
            )
        )
        registry.register(
            registry.RecordType(
                model=Paper,
                slug="paper",
                listing="papers",
                detail_url_name="guides:paper_detail",
                list_url_name="guides:paper_list",
                order=40,
                label="Paper",
                plural="Papers",
                blurb="The papers, books and posts worth reading, with reading times.",
                filterset="guides.filters.PaperFilter",
                api_fields="guides.api.PaperFields",
                api_filterset="guides.api.PaperAPIFilter",
            )
        )
        registry.register(
            registry.RecordType(
                model=FailureMode,
                slug="failure-mode",
                listing="failure-modes",
                detail_url_name="guides:failuremode_detail",
                list_url_name="guides:failuremode_list",
                order=60,
                blurb="The ways advanced AI could go wrong, and who is working on each.",
                api_fields="guides.api.FailureModeFields",
                api_filterset="guides.api.FailureModeAPIFilter",
            )
        )
        registry.register(
            registry.RecordType(
                model=Guide,
                slug="guide",
                listing="guides",
                detail_url_name="guides:guide_detail",
                list_url_name="guides:guide_list",
                order=70,
                home_order=35,
                backlinks_order=5,
                blurb="Reading paths with time estimates, from first steps to the frontier.",
                home_action="Follow a reading path",
                api_fields="guides.api.GuideFields",
                api_filterset="guides.api.GuideAPIFilter",
            )
        )
        registry.register(
            registry.RecordType(
                model=Crux,
                slug="crux",
                listing="cruxes",
                detail_url_name="guides:crux_detail",
                list_url_name="guides:crux_list",
                order=65,
                label="Crux",
                plural="Cruxes",
                blurb="The hard questions to weigh before choosing a direction, with both sides.",
                api_fields="guides.api.CruxFields",
                api_filterset="guides.api.CruxAPIFilter",
            )
        )
