from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "zhengwu.assessment"
    label = "assessment"
    verbose_name = _("Assessment")

    def ready(self):
        from zhengwu.assessment import joint_indicators, providers, selectors
        from zhengwu.assessment.definitions import NAVIGATION
        from zhengwu.core import navigation
        from zhengwu.core.roles import Role

        providers.register("cases", selectors.case_counts)
        providers.register("joint", joint_indicators.joint_counts)
        # The home page entries (labels translated in this app's catalogue), before the hotline's.
        navigation.add(
            [
                (Role(role), url, label, description)
                for roles, url, label, description in NAVIGATION
                for role in roles
            ],
            before="tickets:new",
        )
