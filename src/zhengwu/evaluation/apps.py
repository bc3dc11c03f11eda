from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "zhengwu.evaluation"
    label = "evaluation"
    verbose_name = _("Evaluation and rectification")

    def ready(self):
        from zhengwu.evaluation import hotline, survey_navigation

        # The hotline handling indicators (a provider and its section) and the home page entries.
        hotline.register()
        survey_navigation.register()
