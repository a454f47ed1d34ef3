from django.apps import AppConfig


class RegistryAppConfig(AppConfig):
    name = "tests.registry_app"
    label = "registry_app"
    verbose_name = "Gadgets (test record type)"

    def ready(self):
        from core import registry

        from .models import Gadget

        registry.register(
            registry.RecordType(
                model=Gadget,
                slug="gadget",
                listing="gadgets",
                detail_url_name="registry_app:gadget_detail",
                list_url_name="registry_app:gadget_list",
                order=90,
                blurb="Made-up records that prove the registry.",
            )
        )
