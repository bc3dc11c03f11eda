from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "zhengwu.assessment"
    label = "assessment"
    verbose_name = _("Assessment")

    def ready(self):
        from zhengwu.assessment import providers, selectors

        providers.register("cases", selectors.case_counts)
