from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HallConfig(AppConfig):
    name = "zhengwu.hall"
    label = "hall"
    verbose_name = _("The service hall")

    def ready(self):
        from zhengwu.core import navigation
        from zhengwu.hall import indicators, queue_admin, staffing_navigation  # noqa: F401 (the admin registers)
        from zhengwu.hall.queue_navigation import ENTRIES

        navigation.add(ENTRIES)
        indicators.register()
        staffing_navigation.register()
