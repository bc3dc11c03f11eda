"""Words that several apps' catalogues translate: Django merges the catalogues, the app listed
first winning, so an app that means something narrower uses its own msgid."""

from django.utils import translation
from django.utils.translation import gettext


def test_level_is_the_warning_level_and_ratings_say_rating_level():
    with translation.override("zh-hans"):
        assert gettext("Level") == "预警级别"
        assert gettext("Rating level") == "评价等级"
