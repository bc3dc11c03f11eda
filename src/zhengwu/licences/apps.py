from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicencesConfig(AppConfig):
    name = "zhengwu.licences"
    label = "licences"
    verbose_name = _("Licences")

    def ready(self):
        from zhengwu.cases import notices, observers
        from zhengwu.core import navigation
        from zhengwu.core.roles import Role
        from zhengwu.licences import receivers, selectors

        observers.on_action(receivers.issue_on_grant)
        notices.register_licence_source(selectors.issued_for_case)
        navigation.add(
            [
                (Role.APPLICANT, "licences:mine", _("My licences"), _("Your valid licences.")),
                *[
                    (
                        role,
                        "licences:register",
                        _("Licence register"),
                        _("Find the licences issued, by holder, number or type."),
                    )
                    for role in (
                        Role.WINDOW_CLERK,
                        Role.REVIEWER,
                        Role.DEPARTMENT_HEAD,
                        Role.SUPERVISOR,
                        Role.LEADER,
                    )
                ],
            ]
        )
