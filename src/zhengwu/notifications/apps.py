from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "zhengwu.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from zhengwu.cases import observers
        from zhengwu.notifications import applicant_messages

        # Every step of a case that concerns the applicant reaches them (申请人告知).
        observers.on_step(applicant_messages.tell)
