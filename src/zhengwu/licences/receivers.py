"""A grant of a case whose catalogue version names a licence type records the licence
(registered with ``zhengwu.cases.observers.on_action`` when the app starts)."""

from __future__ import annotations


def issue_on_grant(case, action: str) -> None:
    if action == "decide_grant" and case.item_version.licence_type:
        from zhengwu.licences.services import issue_for_grant

        issue_for_grant(case=case)
