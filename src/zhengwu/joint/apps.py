from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JointConfig(AppConfig):
    name = "zhengwu.joint"
    label = "joint"
    verbose_name = _("Joint handling")

    def ready(self):
        from zhengwu.cases import observers
        from zhengwu.core import navigation
        from zhengwu.core.roles import Role
        from zhengwu.joint import receivers
        from zhengwu.joint.navigation import ENTRIES
        from zhengwu.joint.scene_views import NAVIGATION

        observers.on_action(receivers.follow)
        # The staff's search of an investment project's joint cases (labels in this catalogue).
        navigation.add(
            (
                role,
                "joint_meetings:projects",
                _("Search by investment project code"),
                _("The joint cases of one investment project, by its code."),
            )
            for role in (
                Role.WINDOW_CLERK,
                Role.REVIEWER,
                Role.DEPARTMENT_HEAD,
                Role.SUPERVISOR,
                Role.LEADER,
            )
        )
        navigation.add(NAVIGATION)
        navigation.add(ENTRIES, before="tickets:new")
