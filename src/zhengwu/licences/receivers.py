"""A grant of a case whose catalogue version names a licence type records the licence."""

from __future__ import annotations

from django.dispatch import receiver

from zhengwu.cases.signals import case_acted


@receiver(case_acted)
def issue_on_grant(sender, case, action, **kwargs):
    if action == "decide_grant" and case.item_version.licence_type:
        from zhengwu.licences.services import issue_for_grant

        issue_for_grant(case=case)
