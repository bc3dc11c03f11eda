"""A joint case follows its children: every action on a child case calls ``follow_child`` in the
same transaction (``zhengwu.cases.signals.case_acted``)."""

from __future__ import annotations

from django.dispatch import receiver

from zhengwu.cases.signals import case_acted

FOLLOWED = frozenset({"decide_grant", "decide_deny", "withdraw", "suspend", "resume"})


@receiver(case_acted)
def follow(sender, case, action, **kwargs):
    if action in FOLLOWED:
        from zhengwu.joint.services import follow_child

        follow_child(case=case, action=action)
