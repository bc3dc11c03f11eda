from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "zhengwu.exchange"
    label = "exchange"
    verbose_name = _("Exchange with other platforms")

    def ready(self):
        from zhengwu.cases import observers
        from zhengwu.core import navigation
        from zhengwu.exchange import receivers, tasks, transfers  # noqa: F401 (they register)
        from zhengwu.exchange.inbound_navigation import ENTRIES as INBOUND_ENTRIES
        from zhengwu.exchange.inbound_selectors import supervision_counts
        from zhengwu.exchange.navigation import ENTRIES
        from zhengwu.joint import observers as joint_observers
        from zhengwu.supervision import finding_sources

        # Every case and joint-case step the province needs is written to the outbox in the
        # step's own transaction.
        observers.on_event(receivers.case_event)
        joint_observers.on_event(receivers.joint_event)
        # The reconciliation's discrepancies count in the e-supervision figures.
        finding_sources.register(supervision_counts)
        navigation.add(INBOUND_ENTRIES)
        navigation.add(ENTRIES)
