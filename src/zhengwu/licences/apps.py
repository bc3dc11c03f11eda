from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicencesConfig(AppConfig):
    name = "zhengwu.licences"
    label = "licences"
    verbose_name = _("Licences")

    def ready(self):
        from zhengwu.cases import observers
        from zhengwu.licences import receivers

        observers.on_action(receivers.issue_on_grant)
