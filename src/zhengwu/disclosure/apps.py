from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "zhengwu.disclosure"
    label = "disclosure"
    verbose_name = _("Disclosure requests")

    def ready(self):
        from zhengwu.core import navigation
        from zhengwu.disclosure import annual_registry
        from zhengwu.disclosure.navigation import ENTRIES

        navigation.add(ENTRIES)
        annual_registry.register()
