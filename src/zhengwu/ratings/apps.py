from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "zhengwu.ratings"
    label = "ratings"
    verbose_name = _("Ratings")

    def ready(self):
        from zhengwu.assessment.providers import register
        from zhengwu.cases.notices import register_decision_qr
        from zhengwu.core import navigation
        from zhengwu.ratings.navigation import ENTRIES
        from zhengwu.ratings.presenters import QR_CAPTION
        from zhengwu.ratings.selectors import rating_counts
        from zhengwu.ratings.services import public_url, rating_link

        register("ratings", rating_counts)
        navigation.add(ENTRIES)
        # A decision notice carries the signed link to rate the service as a QR code.
        register_decision_qr(
            path=lambda number, seq: rating_link(number, seq),
            absolute_url=public_url,
            caption=QR_CAPTION,
        )
