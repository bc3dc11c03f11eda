from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "zhengwu.evaluation"
    label = "evaluation"
    verbose_name = _("Evaluation and rectification")

    def ready(self):
        from zhengwu.core import navigation
        from zhengwu.evaluation import (
            bulletins,
            hotline,
            rectification_selectors,
            survey_navigation,
        )
        from zhengwu.evaluation.rectification_navigation import ENTRIES

        navigation.add(ENTRIES)
        # The hotline handling indicators (a provider and its section) and the home page entries.
        hotline.register()
        survey_navigation.register()
        # The quarterly bulletin's rectification section reads the ledger.
        bulletins.register_rectification_progress(rectification_selectors.bulletin_progress)
