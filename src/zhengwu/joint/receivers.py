"""A joint case follows its children: every action on a child case calls ``follow_child`` in the
same transaction (registered with ``zhengwu.cases.observers.on_action`` when the app starts)."""

from __future__ import annotations

FOLLOWED = frozenset({"decide_grant", "decide_deny", "withdraw", "suspend", "resume"})


def follow(case, action: str) -> None:
    if action in FOLLOWED:
        from zhengwu.joint.services import follow_child

        follow_child(case=case, action=action)
