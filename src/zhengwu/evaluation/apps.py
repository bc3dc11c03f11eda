from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "zhengwu.evaluation"
    label = "evaluation"
    verbose_name = _("Evaluation and rectification")

    def ready(self):
        from zhengwu.core import navigation
        from zhengwu.evaluation.rectification_navigation import ENTRIES

        navigation.add(ENTRIES)
