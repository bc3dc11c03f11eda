from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HallConfig(AppConfig):
    name = "zhengwu.hall"
    label = "hall"
    verbose_name = _("The service hall")

    def ready(self):
        from zhengwu.hall import staffing_navigation

        staffing_navigation.register()
