from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "zhengwu.exchange"
    label = "exchange"
    verbose_name = _("Exchange with other platforms")

    def ready(self):
        from zhengwu.core import navigation
        from zhengwu.exchange.inbound_navigation import ENTRIES

        navigation.add(ENTRIES)
