from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JointConfig(AppConfig):
    name = "zhengwu.joint"
    label = "joint"
    verbose_name = _("Joint handling")

    def ready(self):
        from zhengwu.cases import observers
        from zhengwu.joint import receivers

        observers.on_action(receivers.follow)
