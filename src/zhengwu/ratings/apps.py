from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "zhengwu.ratings"
    label = "ratings"
    verbose_name = _("Ratings")

    def ready(self):
        from zhengwu.assessment.providers import register
        from zhengwu.ratings.selectors import rating_counts

        register("ratings", rating_counts)
