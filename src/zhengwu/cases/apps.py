from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "zhengwu.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from zhengwu.cases import receivers  # noqa: F401
