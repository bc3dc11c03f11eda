from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TradingConfig(AppConfig):
    name = "zhengwu.trading"
    label = "trading"
    verbose_name = _("Public-resource trading")

    def ready(self):
        from zhengwu.core import navigation
        from zhengwu.trading import registry
        from zhengwu.trading.navigation import ENTRIES

        registry.register()
        navigation.add(ENTRIES)
