from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JointConfig(AppConfig):
    name = "zhengwu.joint"
    label = "joint"
    verbose_name = _("Joint handling")

    def ready(self):
        from zhengwu.cases import observers
        from zhengwu.core import navigation
        from zhengwu.joint import receivers
        from zhengwu.joint.navigation import ENTRIES

        observers.on_action(receivers.follow)
        navigation.add(ENTRIES, before="tickets:new")
